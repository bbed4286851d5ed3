// ServerCallContext's cancellation without an AbortSignal (onCancel, cancellation), next to the
// signal it mirrors: the server's cancel() tells both, once, with the same reason.

import t from 'tap';
import { ServerCallContext } from '../../src/server/call-context.js';
import { GrpcError } from '../../src/transport/grpc-error.js';
import { method } from '../../src/transport/service-definition.js';
import { Status } from '../../src/transport/status.js';
import { GetUserRequestCodec, UserCodec } from '../../src/wire/messages/user.js';

const GET_USER = method('user.UserService', 'GetUser', 'unary', GetUserRequestCodec, UserCodec);

function newContext(): ServerCallContext {
  const control = {
    headersSent: false,
    sendHeaders() {},
    headerMetadata: undefined,
    trailerMetadata: undefined,
  };
  return new ServerCallContext(GET_USER, {}, '127.0.0.1:1', undefined, 'identity', control);
}

t.test(
  'onCancel: told once with the reason, like the signal, and not after unregistering',
  async (t) => {
    const context = newContext();
    const heard: GrpcError[] = [];
    context.onCancel((reason) => heard.push(reason));
    const stop = context.onCancel(() => t.fail('an unregistered listener is not called'));
    stop();
    t.equal(context.cancellation, undefined);
    const reason = new GrpcError(Status.CANCELLED, 'the client cancelled');
    context.cancel(reason);
    context.cancel(new GrpcError(Status.DEADLINE_EXCEEDED, 'too late'));
    t.same(heard, [reason], 'once, with the first reason');
    t.equal(context.cancellation, reason);
    t.equal(context.signal.reason, reason, 'the signal made afterwards agrees');
  },
);

t.test('onCancel after the call was cancelled: nothing to wait for', async (t) => {
  const context = newContext();
  context.cancel(new GrpcError(Status.CANCELLED, 'gone'));
  context.onCancel(() => t.fail('not called for a cancellation already past'))();
  t.ok(context.cancelled);
});
