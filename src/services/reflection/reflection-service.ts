// grpc.reflection.v1.ServerReflection and grpc.reflection.v1alpha.ServerReflection, registered with
// one call (grpc doc/server-reflection.md; proto/grpc/reflection/v1/reflection.proto).
//
// Both versions are served because of how the tools look for them: ghz and grpcurl open
// grpc.reflection.v1 first and fall back to v1alpha only when the server answers UNIMPLEMENTED;
// older clients know only v1alpha. The two share one handler: their messages are the same.

import { fileURLToPath } from 'node:url';
import type { ServiceImplementation } from '../../server/handlers.js';
import type { Server } from '../../server/server.js';
import { method, type ServiceDefinition } from '../../transport/service-definition.js';
import { Status, type StatusCode } from '../../transport/status.js';
import {
  type MessageResponse,
  type ReflectionPackage,
  reflectionCodecs,
  type ServerReflectionRequest,
  type ServerReflectionResponse,
} from '../../wire/messages/reflection.js';
import { DescriptorPool } from './descriptor-pool.js';

/** handwire's proto/ directory (from src/ and from dist/ alike: both are one level below it). */
export const HANDWIRE_PROTO_ROOT = fileURLToPath(new URL('../../../proto/', import.meta.url));

/**
 * What `handwire serve` describes: the contract, health, reflection itself, and the error detail
 * messages its errors carry (google.rpc.Status, BadRequest, RetryInfo, …, with the Any and
 * Duration they import), so that a reflection client such as grpcurl can decode the details.
 */
export const SERVED_PROTO_FILES: readonly string[] = [
  'user.proto',
  'offers.proto',
  'google/rpc/status.proto',
  'google/rpc/error_details.proto',
  'grpc/health/v1/health.proto',
  'grpc/reflection/v1/reflection.proto',
  'grpc/reflection/v1alpha/reflection.proto',
];

export interface ReflectionOptions {
  /**
   * Directories `protoFiles` and their imports are looked up in, in order, as protoc's `-I`.
   * Default: handwire's proto/. The well-known google/protobuf/*.proto need not be there.
   */
  protoRoot?: string | readonly string[];
  /** The .proto files to describe, relative to a protoRoot directory. Default: SERVED_PROTO_FILES. */
  protoFiles?: readonly string[];
  /** A pool built beforehand, instead of protoRoot and protoFiles (servers can share one). */
  pool?: DescriptorPool;
}

/** The ServerReflection service of one package, as plain data. */
export function reflectionServiceDefinition(packageName: ReflectionPackage) {
  const service = `${packageName}.ServerReflection`;
  const codecs = reflectionCodecs(packageName);
  return {
    name: service,
    methods: {
      ServerReflectionInfo: method(
        service,
        'ServerReflectionInfo',
        'bidiStreaming',
        codecs.request,
        codecs.response,
      ),
    },
  } as const satisfies ServiceDefinition;
}

export const ReflectionV1Definition = reflectionServiceDefinition('grpc.reflection.v1');
export const ReflectionV1AlphaDefinition = reflectionServiceDefinition('grpc.reflection.v1alpha');

/**
 * Answers reflection requests from a DescriptorPool and the list of services a server serves.
 * Each request on a stream gets one response, in order, echoing the request and its host.
 */
export class ReflectionService {
  readonly pool: DescriptorPool;
  readonly implementation: ServiceImplementation<typeof ReflectionV1Definition>;
  private readonly serviceNames: () => readonly string[];

  /** `serviceNames` is asked at each list_services, so services added later are listed too. */
  constructor(pool: DescriptorPool, serviceNames: () => readonly string[]) {
    this.pool = pool;
    this.serviceNames = serviceNames;
    const answer = (request: ServerReflectionRequest) => this.answer(request);
    this.implementation = {
      async *ServerReflectionInfo(requests) {
        // One answer per request, in order; the stream ends when the client half-closes it.
        for await (const request of requests) yield answer(request);
      },
    };
  }

  /** The response to one request. Problems are answered in-stream, as error_response. */
  answer(request: ServerReflectionRequest): ServerReflectionResponse {
    return {
      validHost: request.host,
      originalRequest: request,
      messageResponse: this.respond(request),
    };
  }

  private respond(request: ServerReflectionRequest): MessageResponse {
    const asked = request.messageRequest;
    switch (asked?.case) {
      case 'listServices':
        return {
          case: 'listServicesResponse',
          value: { service: this.serviceNames().map((name) => ({ name })) },
        };
      case 'fileByFilename':
        return this.files(asked.value, `no file named ${JSON.stringify(asked.value)} is served`);
      case 'fileContainingSymbol': {
        // Full names are asked without a leading dot; one is tolerated.
        const symbol = asked.value.startsWith('.') ? asked.value.slice(1) : asked.value;
        return this.files(
          this.pool.fileContainingSymbol(symbol),
          `symbol ${JSON.stringify(asked.value)} is not declared in any file served`,
        );
      }
      case 'fileContainingExtension': {
        const { containingType, extensionNumber } = asked.value;
        return this.files(
          this.pool.fileContainingExtension(containingType, extensionNumber),
          `no extension ${extensionNumber} of ${JSON.stringify(containingType)} is declared in any file served`,
        );
      }
      case 'allExtensionNumbersOfType': {
        // A known message without extensions (every proto3 message) gets an empty list, as
        // grpc-go answers; only a type that is not known at all is NOT_FOUND.
        const numbers = this.pool.extensionNumbers(asked.value);
        if (numbers === undefined) {
          return error(
            Status.NOT_FOUND,
            `message type ${JSON.stringify(asked.value)} is not declared in any file served`,
          );
        }
        return {
          case: 'allExtensionNumbersResponse',
          value: { baseTypeName: asked.value, extensionNumber: numbers },
        };
      }
      default:
        // A request kind newer than this reflection.proto (or none at all): the spec's answer
        // for what a server does not implement. The stream goes on.
        return error(
          Status.UNIMPLEMENTED,
          'the request sets none of file_by_filename, file_containing_symbol, file_containing_extension, all_extension_numbers_of_type, list_services',
        );
    }
  }

  /**
   * The file and every file it imports, directly or not, so a client can build the file from
   * this one answer. Files sent earlier on the same stream are sent again: the spec lets a server
   * leave them out but does not ask it to, and a client that keeps no state between requests
   * (Python's descriptor pool built per reply, say) then still has all it needs.
   */
  private files(filename: string | undefined, notFound: string): MessageResponse {
    const descriptors =
      filename === undefined ? undefined : this.pool.fileWithDependencies(filename);
    if (descriptors === undefined) return error(Status.NOT_FOUND, notFound);
    return { case: 'fileDescriptorResponse', value: { fileDescriptorProto: descriptors } };
  }
}

function error(code: StatusCode, message: string): MessageResponse {
  return { case: 'errorResponse', value: { errorCode: code, errorMessage: message } };
}

/**
 * Serves reflection on `server` in one call, both grpc.reflection.v1 and v1alpha, describing the
 * given .proto files (by default handwire's own: SERVED_PROTO_FILES) and listing every service
 * the server has registered, whenever it was registered. Throws if a file cannot be parsed.
 */
export function addReflectionService(
  server: Server,
  options: ReflectionOptions = {},
): ReflectionService {
  const pool =
    options.pool ??
    DescriptorPool.load({
      protoPath: options.protoRoot ?? HANDWIRE_PROTO_ROOT,
      files: options.protoFiles ?? SERVED_PROTO_FILES,
    });
  const reflection = new ReflectionService(pool, () => server.serviceNames);
  server.addService(ReflectionV1Definition, reflection.implementation);
  server.addService(ReflectionV1AlphaDefinition, reflection.implementation);
  return reflection;
}
