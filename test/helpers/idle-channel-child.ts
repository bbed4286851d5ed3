// A child process for the process-exit test (grpc-js's behaviour: an idle channel does not keep
// Node alive): makes calls over a channel it never closes, prints the answers, and must then
// exit by itself. Arguments: target (comma-separated for several), the server's delay in ms,
// the load-balancing policy.

import { createChannel } from '../../src/client/channel.js';
import { createClient } from '../../src/client/client.js';
import { EchoService } from '../fixtures/echo-codecs.js';

const [targets = '', delayMs = '0', policy = 'pick_first'] = process.argv.slice(2);
const channel = createChannel(targets.split(','), {
  loadBalancingPolicy: policy as 'pick_first' | 'round_robin',
  keepaliveTimeMs: 1000,
});
const echo = createClient(EchoService, channel);
const request = {
  message: 'hi',
  count: 2,
  delayMs: Number(delayMs),
  failCode: 0,
  payload: new Uint8Array(0),
};
const unary = await echo.Unary(request);
const streamed: number[] = [];
for await (const response of echo.ServerStream({ ...request, delayMs: 0 })) {
  streamed.push(response.index);
}
process.stdout.write(`${JSON.stringify({ message: unary.message, streamed })}\n`);
// The channel stays open on purpose.
