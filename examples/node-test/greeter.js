// The Greeter of greeter.proto written by hand, in plain JavaScript: two codecs, the service as
// plain data, and its handlers (protobuf.dev "Encoding"; handwire/wire has the pieces).

import { method } from 'handwire';
import { int32Size, stringSize, WireType } from 'handwire/wire';

const NAME = (1 << 3) | WireType.LengthDelimited;
const TIMES = (2 << 3) | WireType.Varint;
const MESSAGE = (1 << 3) | WireType.LengthDelimited;

/** @type {import('handwire').MessageCodec<{ name: string, times: number }>} */
export const HelloRequestCodec = {
  typeName: 'helloworld.HelloRequest',
  create: () => ({ name: '', times: 0 }),
  size: (m) =>
    (m.name === '' ? 0 : 1 + stringSize(m.name)) + (m.times === 0 ? 0 : 1 + int32Size(m.times)),
  write(m, w) {
    if (m.name !== '') w.tag(1, WireType.LengthDelimited).string(m.name);
    if (m.times !== 0) w.tag(2, WireType.Varint).int32(m.times);
  },
  read(r, into) {
    const m = into ?? HelloRequestCodec.create();
    while (r.pos < r.end) {
      const key = r.tag();
      if (key === NAME) m.name = r.string();
      else if (key === TIMES) m.times = r.int32();
      else r.skip(key); // a field this codec does not know
    }
    return m;
  },
};

/** @type {import('handwire').MessageCodec<{ message: string }>} */
export const HelloReplyCodec = {
  typeName: 'helloworld.HelloReply',
  create: () => ({ message: '' }),
  size: (m) => (m.message === '' ? 0 : 1 + stringSize(m.message)),
  write(m, w) {
    if (m.message !== '') w.tag(1, WireType.LengthDelimited).string(m.message);
  },
  read(r, into) {
    const m = into ?? HelloReplyCodec.create();
    while (r.pos < r.end) {
      const key = r.tag();
      if (key === MESSAGE) m.message = r.string();
      else r.skip(key);
    }
    return m;
  },
};

export const GreeterService = {
  name: 'helloworld.Greeter',
  methods: {
    SayHello: method('helloworld.Greeter', 'SayHello', 'unary', HelloRequestCodec, HelloReplyCodec),
    SayHelloStream: method(
      'helloworld.Greeter',
      'SayHelloStream',
      'serverStreaming',
      HelloRequestCodec,
      HelloReplyCodec,
    ),
  },
};

export const greeter = {
  async SayHello(request) {
    return { message: `Hello, ${request.name}` };
  },
  async *SayHelloStream(request) {
    for (let i = 1; i <= request.times; i++) yield { message: `Hello #${i}, ${request.name}` };
  },
};
