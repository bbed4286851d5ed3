// DescriptorPool against protoc: the FileDescriptorProtos built from protobufjs's parse must equal
// the ones protoc (Debian python3-grpc-tools) writes for the same files (descriptor.proto), and
// the symbol index must answer what server reflection is asked (grpc doc/server-reflection.md).

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createFileRegistry, fromBinary, toJson } from '@bufbuild/protobuf';
import {
  type FileDescriptorProto,
  FileDescriptorProtoSchema,
  FileDescriptorSetSchema,
} from '@bufbuild/protobuf/wkt';
import t, { type Test } from 'tap';
import { DescriptorPool } from '../../src/services/reflection/descriptor-pool.js';
import {
  HANDWIRE_PROTO_ROOT,
  SERVED_PROTO_FILES,
} from '../../src/services/reflection/reflection-service.js';

const run = promisify(execFile);
const PYTHON = '/usr/bin/python3';
const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** What protoc writes for `files` (and, with --include_imports, everything they import). */
async function protoc(protoPath: string[], files: string[]): Promise<FileDescriptorProto[]> {
  const dir = mkdtempSync(join(tmpdir(), 'handwire-protoc-'));
  try {
    const out = join(dir, 'set.pb');
    await run(
      PYTHON,
      [
        '-m',
        'grpc_tools.protoc',
        ...protoPath.map((path) => `-I${path}`),
        '--include_imports',
        `--descriptor_set_out=${out}`,
        ...files,
      ],
      { timeout: 30_000 },
    );
    return fromBinary(FileDescriptorSetSchema, readFileSync(out)).file;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A descriptor as JSON, without what the pool leaves out on purpose: options that change nothing
 * on the wire (java_package, deprecated…; map_entry, packed and allow_alias are kept). Nested
 * types are sorted by name: protoc places a map's entry type where the map field is declared,
 * which protobufjs does not record, and the order of nested types means nothing to a reader.
 */
function comparable(file: FileDescriptorProto): unknown {
  const strip = (value: unknown, key?: string): unknown => {
    if (Array.isArray(value)) {
      const items = value.map((item) => strip(item));
      return key === 'nestedType'
        ? items.sort((a: any, b: any) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
        : items;
    }
    if (value === null || typeof value !== 'object') return value;
    const result: Record<string, unknown> = {};
    for (const [name, field] of Object.entries(value)) {
      if (name === 'options') {
        const kept: Record<string, unknown> = {};
        for (const option of ['mapEntry', 'packed', 'allowAlias']) {
          if ((field as any)[option] !== undefined) kept[option] = (field as any)[option];
        }
        if (Object.keys(kept).length > 0) result[name] = kept;
      } else {
        result[name] = strip(field, name);
      }
    }
    return result;
  };
  return strip(toJson(FileDescriptorProtoSchema, file));
}

async function compareWithProtoc(
  t: Test,
  protoPath: string[],
  files: string[],
  skip: string[] = [],
): Promise<DescriptorPool> {
  const expected = await protoc(protoPath, files);
  const pool = DescriptorPool.load({ protoPath, files });
  const compared: string[] = [];
  for (const file of expected) {
    if (skip.includes(file.name)) continue;
    const ours = pool.file(file.name);
    if (ours === undefined) {
      t.fail(`the pool has no ${file.name}`);
      continue;
    }
    t.same(
      comparable(fromBinary(FileDescriptorProtoSchema, ours.descriptor)),
      comparable(file),
      `${file.name} as protoc describes it`,
    );
    compared.push(file.name);
  }
  t.same(
    new Set(pool.fileNames),
    new Set(expected.map((file) => file.name)),
    'the same files, imports included',
  );
  // And a strict third party resolves every reference in them.
  const set = { $typeName: 'google.protobuf.FileDescriptorSet', file: descriptorsOf(pool) };
  t.doesNotThrow(() => createFileRegistry(set as any), '@bufbuild/protobuf builds a registry');
  return pool;
}

function descriptorsOf(pool: DescriptorPool): FileDescriptorProto[] {
  return pool.fileNames.map((name) =>
    fromBinary(FileDescriptorProtoSchema, pool.file(name)!.descriptor),
  );
}

t.test('the served files and the test fixtures, as protoc describes them', async (t) => {
  await compareWithProtoc(
    t,
    [HANDWIRE_PROTO_ROOT, FIXTURES],
    [...SERVED_PROTO_FILES, 'echo.proto', 'kitchen_sink.proto'],
  );
});

t.test('proto2 with groups, every wire type and the largest field number', async (t) => {
  for (const file of ['wider/google_protobuf_wider.proto', 'wider/offers_wider.proto']) {
    await compareWithProtoc(t, [FIXTURES], [file]);
  }
});

t.test('proto2 and proto3 features: extensions, defaults, reserved, public imports…', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'handwire-pool-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(
    join(dir, 'base.proto'),
    `syntax = "proto2";
package features.base;
message Extendable {
  extensions 100 to 199, 1000 to max;
  optional int32 plain = 1 [default = -5];
  required string name = 2 [default = "hi"];
  optional bytes raw = 3 [default = "a\\001\\"b"];
  optional double ratio = 4 [default = inf];
  optional Mode mode = 5 [default = FAST];
  repeated int32 packed_numbers = 6 [packed = true];
  repeated int32 numbers = 7;
  optional bool flag = 8 [default = true];
  optional float small = 9 [default = -1.5];
}
enum Mode { SLOW = 0; FAST = 1; }
extend Extendable { optional string top_level = 100; }
message Holder {
  extend Extendable { repeated Holder nested_extension = 101; }
}
`,
  );
  writeFileSync(
    join(dir, 'features.proto'),
    `syntax = "proto3";
package features.v1;
import public "base.proto";
import "google/protobuf/timestamp.proto";
import "google/protobuf/struct.proto";
message Outer {
  reserved 8, 10 to 12, 500 to max;
  reserved "gone", "old";
  message Inner {
    enum Level { option allow_alias = true; LOW = 0; MINIMUM = 0; HIGH = 1; reserved 5 to 7; reserved "MEDIUM"; }
    Level level = 1;
    map<string, Inner> children = 2;
  }
  oneof choice {
    string text = 1;
    Inner inner = 2;
    google.protobuf.Timestamp at = 3;
  }
  map<int64, features.base.Extendable> by_id = 4;
  repeated sint64 unpacked = 5 [packed = false];
  string camel_case_Name = 6 [json_name = "custom"];
  google.protobuf.Struct blob = 7;
}
service Things {
  rpc One(Outer) returns (Outer.Inner);
  rpc Many(stream Outer.Inner) returns (stream Outer);
}
`,
  );
  const pool = await compareWithProtoc(t, [dir], ['features.proto']);
  t.equal(pool.fileContainingSymbol('features.base.top_level'), 'base.proto');
  t.equal(pool.fileContainingSymbol('features.base.Holder.nested_extension'), 'base.proto');
  t.same(pool.extensionNumbers('features.base.Extendable'), [100, 101]);
  t.equal(pool.fileContainingExtension('features.base.Extendable', 101), 'base.proto');
  t.equal(pool.fileContainingExtension('features.base.Extendable', 102), undefined);
  t.same(pool.extensionNumbers('features.v1.Outer'), [], 'a proto3 message: none');
  t.equal(pool.extensionNumbers('features.v1.Things'), undefined, 'a service is no message');
  t.equal(pool.extensionNumbers('features.base.Mode'), undefined, 'nor is an enum');
  t.same(pool.file('features.proto')!.dependencies, [
    'base.proto',
    'google/protobuf/timestamp.proto',
    'google/protobuf/struct.proto',
  ]);
});

t.test('proto3 optional: the synthetic oneof comes after the real ones', async (t) => {
  // protoc 3.5 predates proto3 optional, so this one is checked field by field.
  const dir = mkdtempSync(join(tmpdir(), 'handwire-pool-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(
    join(dir, 'optional.proto'),
    `syntax = "proto3";
package opt;
message M {
  optional string maybe = 1;
  oneof real { int32 a = 2; int32 b = 3; }
}
`,
  );
  const pool = DescriptorPool.load({ protoPath: dir, files: ['optional.proto'] });
  const [file] = descriptorsOf(pool);
  const message = file!.messageType[0]!;
  t.same(
    message.oneofDecl.map((oneof) => oneof.name),
    ['real', '_maybe'],
  );
  const maybe = message.field.find((field) => field.name === 'maybe')!;
  t.equal(maybe.proto3Optional, true);
  t.equal(maybe.oneofIndex, 1);
  t.equal(message.field.find((field) => field.name === 'b')!.oneofIndex, 0);
  t.equal(pool.fileContainingSymbol('opt.M._maybe'), 'optional.proto');
  t.doesNotThrow(() =>
    createFileRegistry({ $typeName: 'google.protobuf.FileDescriptorSet', file: [file!] } as any),
  );
});

t.test('the well-known types come from protobufjs when no directory has them', async (t) => {
  const wellKnown = [
    'any',
    'duration',
    'timestamp',
    'empty',
    'struct',
    'wrappers',
    'field_mask',
    'source_context',
    'type',
    'api',
  ].map((name) => `google/protobuf/${name}.proto`);
  const dir = mkdtempSync(join(tmpdir(), 'handwire-pool-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(
    join(dir, 'all.proto'),
    `syntax = "proto3";\n${wellKnown.map((name) => `import "${name}";`).join('\n')}\nimport "google/protobuf/descriptor.proto";\n`,
  );
  // protoc's copies (grpc_tools) and protobufjs's agree, except descriptor.proto, which is newer
  // in protobufjs than protoc 3.5: that one is only checked to build.
  const pool = await compareWithProtoc(
    t,
    [dir],
    ['all.proto'],
    ['google/protobuf/descriptor.proto'],
  );
  t.equal(
    pool.fileContainingSymbol('google.protobuf.FieldDescriptorProto.TYPE_STRING'),
    'google/protobuf/descriptor.proto',
    'an enum value is scoped beside its enum',
  );
  t.equal(
    pool.fileContainingSymbol('google.protobuf.Value.null_value'),
    'google/protobuf/struct.proto',
  );
  t.equal(pool.fileContainingSymbol('google.protobuf.NULL_VALUE'), 'google/protobuf/struct.proto');
});

t.test('the symbol index: every kind of name a client asks for', async (t) => {
  const pool = DescriptorPool.load({ protoPath: HANDWIRE_PROTO_ROOT, files: SERVED_PROTO_FILES });
  const cases: [string, string | undefined][] = [
    ['user', 'user.proto'],
    ['offers', 'offers.proto'],
    ['offers.v1', 'offers.proto'],
    ['grpc', 'grpc/health/v1/health.proto'],
    ['grpc.reflection.v1alpha', 'grpc/reflection/v1alpha/reflection.proto'],
    ['user.UserService', 'user.proto'],
    ['user.UserService.GetUser', 'user.proto'],
    ['offers.v1.OfferService.MigrateOffers', 'offers.proto'],
    ['user.User', 'user.proto'],
    ['user.User.email', 'user.proto'],
    ['user.Role', 'user.proto'],
    ['user.ROLE_ADMIN', 'user.proto'],
    ['grpc.health.v1.HealthCheckResponse.ServingStatus', 'grpc/health/v1/health.proto'],
    ['grpc.health.v1.HealthCheckResponse.SERVING', 'grpc/health/v1/health.proto'],
    ['grpc.health.v1.HealthListResponse.StatusesEntry', 'grpc/health/v1/health.proto'],
    ['grpc.health.v1.HealthListResponse.StatusesEntry.value', 'grpc/health/v1/health.proto'],
    [
      'grpc.reflection.v1.ServerReflectionRequest.message_request',
      'grpc/reflection/v1/reflection.proto',
    ],
    [
      'grpc.reflection.v1alpha.ServerReflection.ServerReflectionInfo',
      'grpc/reflection/v1alpha/reflection.proto',
    ],
    ['user.Role.ROLE_ADMIN', undefined],
    ['user.UserService.Nope', undefined],
    ['.user.User', undefined],
    ['use', undefined],
    ['', undefined],
  ];
  for (const [symbol, file] of cases) {
    t.equal(pool.fileContainingSymbol(symbol), file, JSON.stringify(symbol));
  }
  t.same(
    pool.fileNames,
    [
      'user.proto',
      'offers.proto',
      'google/protobuf/any.proto',
      'google/rpc/status.proto',
      'google/protobuf/duration.proto',
      'google/rpc/error_details.proto',
      'grpc/health/v1/health.proto',
      'grpc/reflection/v1/reflection.proto',
      'grpc/reflection/v1alpha/reflection.proto',
    ],
    'the files asked for, each import described before the file importing it',
  );
  for (const symbol of ['google.rpc.BadRequest', 'google.rpc.RetryInfo', 'google.rpc.Status']) {
    t.ok(pool.fileContainingSymbol(symbol), `${symbol} is described (grpcurl decodes details)`);
  }
  t.equal(pool.fileContainingSymbol('google.protobuf.Duration'), 'google/protobuf/duration.proto');
  t.equal(pool.file('user.proto')!.package, 'user');
  t.equal(pool.fileWithDependencies('nope.proto'), undefined);
  t.same(pool.fileWithDependencies('user.proto'), [pool.file('user.proto')!.descriptor]);
});

t.test('imports are sent breadth first, each once, the file asked for first', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'handwire-pool-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, imports: string[]) =>
    writeFileSync(
      join(dir, name),
      `syntax = "proto3";\n${imports.map((i) => `import "${i}";`).join('\n')}\n`,
    );
  file('a.proto', ['b.proto', 'c.proto']);
  file('b.proto', ['d.proto']);
  file('c.proto', ['d.proto']);
  file('d.proto', []);
  const pool = DescriptorPool.load({ protoPath: dir, files: ['a.proto'] });
  const names = pool
    .fileWithDependencies('a.proto')!
    .map((bytes) => fromBinary(FileDescriptorProtoSchema, bytes).name);
  t.same(names, ['a.proto', 'b.proto', 'c.proto', 'd.proto']);
  t.same(pool.fileNames, ['d.proto', 'b.proto', 'c.proto', 'a.proto'], 'loaded dependencies first');
});

t.test('files that cannot be described are errors that say why', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'handwire-pool-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => writeFileSync(join(dir, name), text);
  const load = (file: string) => () => DescriptorPool.load({ protoPath: [dir], files: [file] });

  t.throws(load('missing.proto'), {
    message: `cannot find missing.proto in ${dir}: add the directory that holds it to protoPath`,
  });
  write('imports-missing.proto', 'syntax = "proto3";\nimport "gone/away.proto";\n');
  t.throws(load('imports-missing.proto'), {
    message: /^cannot find gone\/away\.proto \(imported by imports-missing\.proto\)/,
  });
  write('cycle-a.proto', 'syntax = "proto3";\nimport "cycle-b.proto";\n');
  write('cycle-b.proto', 'syntax = "proto3";\nimport "cycle-a.proto";\n');
  t.throws(load('cycle-a.proto'), {
    message: 'import cycle: cycle-a.proto imports cycle-b.proto imports cycle-a.proto',
  });
  write('editions.proto', 'edition = "2023";\npackage e;\n');
  t.throws(load('editions.proto'), {
    message: /editions\.proto declares edition "2023": only proto2 and proto3 files/,
  });
  write('broken.proto', 'syntax = "proto3";\nmessage {\n');
  t.throws(load('broken.proto'), { message: /^broken\.proto: illegal/ });
  write('unresolved.proto', 'syntax = "proto3";\nmessage M { Nowhere field = 1; }\n');
  t.throws(load('unresolved.proto'), { message: /^the \.proto files do not resolve: .*Nowhere/ });
  write('nopackage.proto', 'syntax = "proto3";\nmessage Top { string import = 1; }\n');
  const pool = DescriptorPool.load({ protoPath: dir, files: ['nopackage.proto'] });
  t.equal(pool.fileContainingSymbol('Top.import'), 'nopackage.proto', 'a field named import');
  t.equal(
    fromBinary(FileDescriptorProtoSchema, pool.file('nopackage.proto')!.descriptor).package,
    '',
  );
});
