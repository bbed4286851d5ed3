// The field names of the google.rpc.BadRequest detail a failed @grpc/grpc-js call carries in its
// grpc-status-details-bin trailer (google.rpc.Status; protos in proto/google/rpc/).

import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import type { grpc } from './grpc-js-proto.js';

const rpc = new protobuf.Root();
rpc.resolvePath = (_origin, target) =>
  target.startsWith('google/protobuf/')
    ? target
    : fileURLToPath(new URL(`../../proto/${target}`, import.meta.url));
rpc.loadSync(['google/rpc/status.proto', 'google/rpc/error_details.proto']);
rpc.resolveAll();
const RpcStatus = rpc.lookupType('google.rpc.Status');
const BadRequest = rpc.lookupType('google.rpc.BadRequest');

/** The field names of the BadRequest detail of a failed call; none without a status detail. */
export function violatedFields(error: grpc.ServiceError): string[] {
  const [bytes] = error.metadata.get('grpc-status-details-bin') as Buffer[];
  if (!bytes) return [];
  const status = RpcStatus.decode(bytes) as any;
  return status.details.flatMap((any: any) =>
    (BadRequest.decode(any.value) as any).fieldViolations.map((v: any) => v.field),
  );
}
