// node:http2's per-session memory account (`maxSessionMemory`), and why handwire turns it off.
//
// Node counts every byte handed to an HTTP/2 stream for sending against its session, and takes
// it off once nghttp2 has put it in a DATA frame. When a stream is reset while some of its bytes
// still wait for the peer's flow-control window, Node drops that queue without taking them off
// (Node 20: `Http2Stream::Destroy` pops the queue, `DecrementAvailableOutboundLength` is never
// called for it). The count only grows. Once it passes the limit (10 MB by default), every new
// stream on the connection is refused with RST_STREAM ENHANCE_YOUR_CALM, and after 100 refusals
// the session is torn down with GOAWAY INTERNAL_ERROR. A client that cancels server streams while
// they are flow-controlled, as any watcher of a busy stream does, loses its connection after a
// few hundred cancels (test/transport/session-memory.test.ts: after 51 cancels of a 256 KB message).
//
// So the server and the client set the limit as high as Node takes it, as @grpc/grpc-js does by
// default (`grpc-node.max_session_memory`). Memory per connection stays bounded by what grpc-go
// relies on too: flow-control windows (a handler's writes wait for 'drain', reads are paced by
// the window), the message size limits, SETTINGS_MAX_CONCURRENT_STREAMS and the header list
// limits (docs/limits.md).

/**
 * `maxSessionMemory` for http2.createServer and http2.connect: Node keeps it in a 32-bit field,
 * in megabytes, so this is the largest it takes (about 4 PB: no limit).
 */
export const UNCOUNTED_SESSION_MEMORY_MB = 2 ** 32 - 1;
