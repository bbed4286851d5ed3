// The .proto descriptors the tracer names fields with: the contract's files in proto/ (read with
// protobufjs at run time, so they are the same files reflection serves), plus any the user adds.

import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

/** proto/ sits two levels above both src/trace and dist/trace. */
const PROTO_DIR = new URL('../../proto/', import.meta.url);

/** The contract's files: both services, health, reflection, google.rpc's status and details. */
export const CONTRACT_PROTOS: readonly string[] = [
  'user.proto',
  'offers.proto',
  'grpc/health/v1/health.proto',
  'grpc/reflection/v1/reflection.proto',
  'google/rpc/status.proto',
  'google/rpc/error_details.proto',
];

export interface MethodTypes {
  readonly request: protobuf.Type;
  readonly response: protobuf.Type;
}

export class ProtoSchema {
  private constructor(private readonly root: protobuf.Root) {}

  /** The contract's files and `extraFiles` (paths as the user gave them). */
  static load(extraFiles: readonly string[] = []): ProtoSchema {
    const contract = CONTRACT_PROTOS.map((file) => fileURLToPath(new URL(file, PROTO_DIR)));
    // keepCase: fields keep the .proto's snake_case names, as they are on the wire's schema.
    const root = new protobuf.Root().loadSync([...contract, ...extraFiles], { keepCase: true });
    root.resolveAll();
    return new ProtoSchema(root);
  }

  /** The message types of `/package.Service/Method`, or undefined for a method not described. */
  methodTypes(path: string): MethodTypes | undefined {
    const match = /^\/([^/]+)\/([^/]+)$/.exec(path);
    if (match === null) return undefined;
    const service = this.root.lookup(match[1]!);
    if (!(service instanceof protobuf.Service)) return undefined;
    const method = service.methods[match[2]!];
    if (method === undefined) return undefined;
    method.resolve();
    if (method.resolvedRequestType === null || method.resolvedResponseType === null)
      return undefined;
    return { request: method.resolvedRequestType, response: method.resolvedResponseType };
  }

  /** A message type by full name (`google.rpc.Status`), or undefined. */
  type(fullName: string): protobuf.Type | undefined {
    const found = this.root.lookup(fullName);
    return found instanceof protobuf.Type ? found : undefined;
  }
}
