// A handwire Echo client over a new channel, closed after the test, and a request builder.

import type { Test } from 'tap';
import { type Channel, type ChannelOptions, createChannel } from '../../src/client/channel.js';
import { type ClientOptions, createClient } from '../../src/client/client.js';
import { type EchoRequest, EchoService } from '../fixtures/echo-codecs.js';

export function echoRequest(fields: Partial<EchoRequest> = {}): EchoRequest {
  return { message: '', count: 0, delayMs: 0, failCode: 0, payload: new Uint8Array(0), ...fields };
}

export function handwireEchoClient(
  t: Test,
  target: string | readonly string[],
  channelOptions: ChannelOptions = {},
  clientOptions: ClientOptions = {},
): { channel: Channel; client: ReturnType<typeof createClient<typeof EchoService>> } {
  const channel = createChannel(target, channelOptions);
  t.teardown(() => channel.close());
  return { channel, client: createClient(EchoService, channel, clientOptions) };
}
