// docs/a-call-byte-by-byte.md: the recorded steps of runCallScenarios with the prose that walks a
// learner through them and, for each step, links to the functions that produced its bytes.

import type { CallRun, ScenarioName } from './call-scenarios.js';
import { type CodeRef, codeLink } from './code-links.js';
import { stepMarkdown } from './step-markdown.js';

interface Section {
  readonly heading: string;
  readonly prose: string;
  readonly code: readonly CodeRef[];
}

const ref = (file: string, name: string): CodeRef => ({ file, name });

const SECTIONS: Record<ScenarioName, Section> = {
  connect: {
    heading: '1. The connection: preface and SETTINGS',
    prose:
      "Before any call, the client sends the 24-byte connection preface and its SETTINGS; the server answers with its own SETTINGS and acknowledges the client's (RFC 9113 §3.4, §6.5). handwire's server announces `SETTINGS_MAX_CONCURRENT_STREAMS` = 1000 (docs/contract.md §1); the client turns server push off. Every setting not sent keeps its default: a 4096-octet HPACK table, 16384-byte frames, a 65535-byte flow-control window.",
    code: [ref('src/client/subchannel.ts', 'openSession'), ref('src/server/server.ts', 'listen')],
  },
  unary: {
    heading: '2. A unary call: `user.UserService/GetUser`',
    prose:
      'The request is one HEADERS frame (PROTOCOL-HTTP2.md "Requests": `:method POST`, `:scheme`, `:path /service/method`, `:authority`, `content-type application/grpc`, `te trailers`, then the custom metadata) and one DATA frame with END_STREAM carrying the 5-byte prefix and the message. Watch HPACK at work on the first call: `:method: POST` is one byte (static entry 3), the rest are literals, most Huffman-coded and added to the dynamic table for later calls. The answer is HEADERS (`:status 200`, `content-type`), one DATA frame, and a second HEADERS frame with END_STREAM: the trailers, where `grpc-status: 0` says the call succeeded. The `User` message shows protobuf\'s encoding: each field a key (field number << 3 | wire type), strings as a length then UTF-8, the timestamps as varints in 7-bit groups, low group first.',
    code: [
      ref('src/client/client.ts', 'unaryCall'),
      ref('src/transport/requests.ts', 'requestHeaders'),
      ref('src/transport/messages.ts', 'writeMessage'),
      ref('src/client/http2-call.ts', 'Http2Call'),
      ref('src/server/server.ts', 'onStream'),
      ref('src/transport/requests.ts', 'checkRequestHeaders'),
      ref('src/server/server-call.ts', 'Http2ServerCall'),
      ref('src/transport/responses.ts', 'responseHeaders'),
      ref('src/transport/responses.ts', 'trailersFor'),
      ref('src/wire/messages/user.ts', 'UserCodec'),
      ref('src/transport/responses.ts', 'readResponseHeaders'),
      ref('src/transport/messages.ts', 'MessageReader'),
    ],
  },
  again: {
    heading: '3. The same call again: the dynamic table pays off',
    prose:
      "The second call on the connection sends its headers in a fraction of the bytes (compare the two HEADERS frames' lengths): every header the first call added to the dynamic table (RFC 7541 §2.3.2) is now one byte, an index counted from the newest entry at 62. Node's HTTP/2 library (nghttp2) chooses the representations; it sends `:path` without indexing, as its encoder does for that header. The response headers shrink the same way, and `grpc-status: 0` is a single byte.",
    code: [ref('src/transport/requests.ts', 'requestHeaders')],
  },
  stream: {
    heading: '4. A server stream: `ListUsers` with limit 2',
    prose:
      "One request, then as many response messages as the handler yields, each with its own 5-byte prefix. Both messages here were written before the stream's first DATA frame went out, so they travel in one frame: message boundaries are the prefixes', not the frames'. The trailers end the stream. `role_filter` is `\"\"`, its default, so it is not on the wire at all; only `limit` (field 2) is.",
    code: [
      ref('src/client/client.ts', 'serverStreamingCall'),
      ref('src/server/response-stream-writer.ts', 'writeResponseStream'),
      ref('src/transport/messages.ts', 'writeMessage'),
    ],
  },
  cancel: {
    heading: '5. A client stream cancelled midway: `BatchCreateUsers`',
    prose:
      "The client streams two `CreateUserRequest`s, each in its own DATA frame, then its caller aborts the `AbortSignal`. What goes out is RST_STREAM `CANCEL` alone (RFC 9113 §6.4, PROTOCOL-HTTP2.md \"RST_STREAM\"), as grpc-go sends it: no END_STREAM before it, so the server never sees a request stream that ended normally. That takes care in node:http2: `stream.close(code)` ends the stream's writable side first (an empty DATA frame with END_STREAM, then the reset), so the client gives a stream that is still sending an `AbortSignal` when it opens it, and aborting that signal resets the stream with `CANCEL` and nothing else. On the server, node ends the request stream's readable side when the reset arrives too; the server reads that end on an aborted stream as the cancellation it is, not as the client's half-close. `BatchCreateUsers` applies a batch all together or not at all, so the handler's request stream fails with CANCELLED and nothing is stored (the script checks it: the store still holds its two users afterwards), and no answer is sent.",
    code: [
      ref('src/client/client.ts', 'clientStreamingCall'),
      ref('src/client/http2-call.ts', 'cancel'),
      ref('src/client/stream-reset.ts', 'resetStream'),
      ref('src/server/server-call.ts', 'onStreamEnd'),
      ref('src/server/server-call.ts', 'onStreamClose'),
    ],
  },
  error: {
    heading: '6. An error with details: `CreateUser` with bad fields',
    prose:
      "The server answers with a Trailers-Only response: one HEADERS frame with END_STREAM that holds both the response headers and the status, since no message was sent. `grpc-status: 3` is INVALID_ARGUMENT; `grpc-message` is the percent-encoded message; `grpc-status-details-bin` is a base64-encoded `google.rpc.Status` whose `details` hold a `google.protobuf.Any` with a `google.rpc.BadRequest` naming each bad field. The tracer opens all three layers. Note `grpc-status`'s name: the dynamic table already had it (from the earlier trailers), so only its value is a literal.",
    code: [
      ref('src/services/bad-request.ts', 'invalidArgument'),
      ref('src/transport/responses.ts', 'trailersOnlyHeaders'),
      ref('src/transport/status-details.ts', 'encodeStatusDetails'),
      ref('src/transport/responses.ts', 'readStatus'),
    ],
  },
  goaway: {
    heading: '7. Shutdown: GOAWAY',
    prose:
      '`server.close()` tells the client to open no new streams with GOAWAY `NO_ERROR` (RFC 9113 §6.8); its last stream id, that of the error call, says every call up to it was processed, so none needs a retry elsewhere. Node sends the GOAWAY twice: once when the graceful shutdown starts and once as the session closes, both with the same last stream id. The client then closes the connection.',
    code: [ref('src/server/server.ts', 'close')],
  },
};

const INTRO = `# A call byte by byte

<!-- Generated by \`npm run docs:trace\` (scripts/docs-trace.ts): do not edit by hand. -->

This page is a real run, not a drawing: \`scripts/docs-trace.ts\` starts handwire's \`Server\` with
\`user.UserService\` on an in-memory store, makes calls with handwire's client, and puts
handwire's own tracer (\`src/trace/\`, the engine of \`handwire trace\`) between them. Every frame
below went over that connection, in the order each side sent it. Each line shows bytes in hex on
the left (longer runs end with \`…\`) and what they are on the right: HTTP/2 frames as RFC 9113
§4.1 and §6 define them, headers as HPACK (RFC 7541) encoded them, messages with gRPC's 5-byte
prefix and then protobuf field by field, named from \`proto/user.proto\`.

To keep the page the same from run to run, the script fixes the store's clock and ids, sends the
user-agent \`handwire-guide\`, turns off the \`date\` header node:http2 adds to responses, and masks
the proxy's port in \`:authority\`. A test (\`test/docs/byte-by-byte.test.ts\`) regenerates the
page and fails when it differs from this file, so it never describes code that has changed.

Trace your own calls the same way: \`handwire trace --target 127.0.0.1:50051\` prints the address
to point any client at (grpcurl, ghz, grpc-go, handwire's client).`;

export function callDocument(run: CallRun): string {
  const masks = [{ find: `127.0.0.1:${run.port}`, show: '127.0.0.1:PORT' }];
  const sections = (Object.keys(SECTIONS) as ScenarioName[]).map((name) => {
    const section = SECTIONS[name];
    const code = section.code.map(codeLink).join(', ');
    return `## ${section.heading}\n\n${section.prose}\n\nThe code: ${code}.\n\n${stepMarkdown(run.steps[name], masks)}`;
  });
  return `${[INTRO, ...sections].join('\n\n')}\n`;
}
