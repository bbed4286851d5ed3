// Server reflection of what `handwire serve` serves: the contract's .proto files, health and
// reflection itself (docs/contract.md §2; grpc doc/server-reflection.md), in one call.

import type { Server } from '../../server/server.js';
import {
  addReflectionService,
  HANDWIRE_PROTO_ROOT,
  type ReflectionService,
  SERVED_PROTO_FILES,
} from './reflection-service.js';

/** Serves grpc.reflection.v1 and v1alpha on `server`, describing handwire's proto/ files. */
export function addContractReflection(server: Server): ReflectionService {
  return addReflectionService(server, {
    protoRoot: HANDWIRE_PROTO_ROOT,
    protoFiles: SERVED_PROTO_FILES,
  });
}
