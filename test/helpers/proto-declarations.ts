// The declarations of a .proto file's services, messages and enums as one line each, in the
// notation `grpcurl describe` prints (protoc's, with message and enum types fully qualified and a
// leading dot), read two ways: from the .proto files through protobufjs, and from grpcurl's output.
// Comparing them checks that what reflection serves describes the .proto files, field for field.

import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

/** Loads .proto files (paths from the repository root) keeping snake_case names, types resolved. */
export function loadProtos(paths: string[]): protobuf.Root {
  const root = new protobuf.Root().loadSync(
    paths.map((path) => fileURLToPath(new URL(`../../${path}`, import.meta.url))),
    { keepCase: true },
  );
  root.resolveAll();
  return root;
}

/** Every message, enum and service declared in `root`, nested ones included, by full name. */
export function declaredTypes(root: protobuf.Root): {
  messages: protobuf.Type[];
  enums: protobuf.Enum[];
  services: protobuf.Service[];
} {
  const found = {
    messages: [] as protobuf.Type[],
    enums: [] as protobuf.Enum[],
    services: [] as protobuf.Service[],
  };
  const visit = (namespace: protobuf.NamespaceBase): void => {
    for (const nested of namespace.nestedArray) {
      if (nested instanceof protobuf.Type) found.messages.push(nested);
      else if (nested instanceof protobuf.Enum) found.enums.push(nested);
      else if (nested instanceof protobuf.Service) found.services.push(nested);
      if (nested instanceof protobuf.Namespace) visit(nested);
    }
  };
  visit(root);
  return found;
}

/** `user.User` for protobufjs's `.user.User`. */
export const fullName = (type: protobuf.ReflectionObject): string => type.fullName.slice(1);

/**
 * A message's fields, an enum's values or a service's methods as the lines `grpcurl describe`
 * prints for them (without indentation), sorted: grpcurl prints methods in its own order.
 */
export function declarationLines(type: protobuf.Type | protobuf.Enum | protobuf.Service): string[] {
  let lines: string[];
  if (type instanceof protobuf.Type) {
    lines = type.fieldsArray.map((field) => {
      const fieldType = field.resolvedType === null ? field.type : field.resolvedType.fullName;
      if (field instanceof protobuf.MapField) {
        return `map<${field.keyType}, ${fieldType}> ${field.name} = ${field.id};`;
      }
      return `${field.repeated ? 'repeated ' : ''}${fieldType} ${field.name} = ${field.id};`;
    });
  } else if (type instanceof protobuf.Enum) {
    lines = Object.entries(type.values).map(([name, number]) => `${name} = ${number};`);
  } else {
    lines = type.methodsArray.map((method) => {
      const stream = (yes: boolean | undefined) => (yes ? 'stream ' : '');
      return (
        `rpc ${method.name} ( ${stream(method.requestStream)}${method.resolvedRequestType!.fullName} ) ` +
        `returns ( ${stream(method.responseStream)}${method.resolvedResponseType!.fullName} );`
      );
    });
  }
  return lines.sort();
}

/**
 * The same lines read from `grpcurl describe SYMBOL` output: the declarations directly inside
 * the first block (two spaces in), leaving out nested types' blocks and their contents.
 */
export function describedLines(output: string): string[] {
  return output
    .split('\n')
    .filter((line) => /^ {2}\S/.test(line) && line.endsWith(';'))
    .map((line) => line.trim())
    .sort();
}
