// handwire/protobufjs: any .proto file served and called at once, with protobufjs doing the
// encoding (message-codec.ts) and the services read from the file (service-definition.ts).
// Hand-written codecs stay the fast path: `npm run bench -- codec` measures the difference.

export {
  DEFAULT_CONVERSION,
  type ProtobufjsMessage,
  protobufjsCodec,
} from './message-codec.js';
export {
  loadProto,
  type ProtobufjsService,
  type ProtobufjsServiceOptions,
  protobufjsService,
} from './service-definition.js';
