// Codec benchmark: encode and decode of user.User by handwire's hand-written codec, protobufjs
// (reflection from proto/user.proto), handwire's protobufjs adapter (handwire/protobufjs: the same
// protobufjs type as a MessageCodec, plain objects in and out) and @bufbuild/protobuf v2
// (reflection from a descriptor built at run time) — protobuf.dev "Encoding"; all must write the
// same bytes.
//
// Usage: npm run bench -- codec [--rounds N] [--seconds S]
// Each case runs every implementation once per round, in an order that rotates between rounds,
// for at least S seconds each after a warm-up. The table gives each implementation's best round:
// on a shared machine other work only ever adds time, so the fastest round is the least
// disturbed one; "spread" (slowest round / fastest - 1) says how disturbed the others were.
// `--clock cpu` times each round by the process's CPU time (process.cpuUsage) instead of the wall
// clock: on a machine whose other work deschedules the bench, wall-clock ratios moved by ±0.3×
// between runs, CPU-time ones far less (docs/codec-performance.md).

import { fileURLToPath } from 'node:url';
import { create, createFileRegistry, fromBinary, toBinary } from '@bufbuild/protobuf';
import {
  FieldDescriptorProto_Label,
  FieldDescriptorProto_Type,
  FileDescriptorProtoSchema,
} from '@bufbuild/protobuf/wkt';
import protobuf from 'protobufjs';
import { protobufjsCodec } from '../src/protobufjs/message-codec.js';
import { decodeMessage, encodeMessage } from '../src/wire/codec.js';
import { Role, type User, UserCodec } from '../src/wire/messages/user.js';
import { type CaseFigures, reportCases } from './lib/codec-report.js';
import { addSummaryRow } from './lib/summary.js';

interface Options {
  rounds: number;
  seconds: number;
  clock: 'wall' | 'cpu';
}

function parseOptions(args: string[]): Options {
  const options: Options = { rounds: 3, seconds: 1, clock: 'wall' };
  for (let i = 0; i < args.length; i += 2) {
    const value = Number(args[i + 1]);
    if (args[i] === '--rounds' && Number.isInteger(value) && value >= 1) options.rounds = value;
    else if (args[i] === '--seconds' && value > 0) options.seconds = value;
    else if (args[i] === '--clock' && (args[i + 1] === 'wall' || args[i + 1] === 'cpu'))
      clock.kind = options.clock = args[i + 1] as Options['clock'];
    else {
      throw new Error(
        `unknown or invalid option "${args[i]} ${args[i + 1] ?? ''}": use --rounds N (≥ 1), --seconds S (> 0) and --clock wall|cpu`,
      );
    }
  }
  return options;
}

// ---------------------------------------------------------------------------------------------
// The messages: realistic users, the same data for every implementation.

/** A deterministic pseudo-random stream (mulberry32), so every run benchmarks the same users. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST_NAMES = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken'];
const LAST_NAMES = [
  'Lovelace',
  'Hopper',
  'Turing',
  'Dijkstra',
  'Liskov',
  'Knuth',
  'Allen',
  'Thompson',
];

function makeUsers(count: number): User[] {
  const random = seededRandom(20240601);
  const hex = (digits: number): string =>
    Array.from({ length: digits }, () => Math.floor(random() * 16).toString(16)).join('');
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  return Array.from({ length: count }, (_, i) => {
    const first = pick(FIRST_NAMES);
    const last = pick(LAST_NAMES);
    const username = `${first}.${last}${i}`.toLowerCase();
    const createdAt = 1_700_000_000_000 + Math.floor(random() * 50_000_000_000);
    return {
      id: `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`,
      username,
      email: `${username}@example.com`,
      fullName: `${first} ${last}`,
      role: pick([Role.ROLE_USER, Role.ROLE_ADMIN, Role.ROLE_MODERATOR]),
      createdAt,
      updatedAt: createdAt + Math.floor(random() * 1_000_000_000),
    };
  });
}

// ---------------------------------------------------------------------------------------------
// The implementations under test, each as encode(user) and decode(bytes).

interface Implementation {
  name: string;
  /** Turns a handwire-shaped User into this implementation's own message, once, before timing. */
  prepare(user: User): unknown;
  encode(message: unknown): Uint8Array;
  decode(bytes: Uint8Array): unknown;
}

const handwire: Implementation = {
  name: 'handwire',
  prepare: (user) => user,
  encode: (message) => encodeMessage(UserCodec, message as User),
  decode: (bytes) => decodeMessage(UserCodec, bytes),
};

function protobufjsImplementation(): Implementation {
  const root = protobuf.loadSync(fileURLToPath(new URL('../proto/user.proto', import.meta.url)));
  const UserType = root.lookupType('user.User');
  return {
    name: 'protobufjs',
    // protobufjs encodes plain objects directly (int64 as a number is accepted); its decode
    // returns a Message whose int64 fields are Long objects, its native form.
    prepare: (user) => UserType.create(user),
    encode: (message) => UserType.encode(message as protobuf.Message).finish(),
    decode: (bytes) => UserType.decode(bytes),
  };
}

/**
 * The adapter a test author uses for a .proto with no hand-written codec: protobufjs underneath,
 * with fromObject on the way in and toObject (int64 as decimal strings) on the way out.
 */
function adapterImplementation(): Implementation {
  const root = protobuf.loadSync(fileURLToPath(new URL('../proto/user.proto', import.meta.url)));
  const codec = protobufjsCodec(root.lookupType('user.User'));
  return {
    name: 'protobufjs adapter',
    prepare: (user) => user,
    encode: (message) => encodeMessage(codec, message as Record<string, unknown>),
    decode: (bytes) => decodeMessage(codec, bytes),
  };
}

/**
 * @bufbuild/protobuf v2 without generated code: a FileDescriptorProto for user.User written here
 * with the field numbers and types of proto/user.proto, turned into a schema by its registry. Its
 * int64 fields are bigints (the library's default for int64).
 */
function protobufEsImplementation(): Implementation {
  const { STRING, INT64, ENUM } = FieldDescriptorProto_Type;
  const field = (
    name: string,
    jsonName: string,
    number: number,
    type: FieldDescriptorProto_Type,
  ) => ({
    name,
    jsonName,
    number,
    type,
    label: FieldDescriptorProto_Label.OPTIONAL,
    ...(type === ENUM ? { typeName: '.user.Role' } : {}),
  });
  const file = create(FileDescriptorProtoSchema, {
    name: 'user.proto',
    package: 'user',
    syntax: 'proto3',
    messageType: [
      {
        name: 'User',
        field: [
          field('id', 'id', 1, STRING),
          field('username', 'username', 2, STRING),
          field('email', 'email', 3, STRING),
          field('full_name', 'fullName', 4, STRING),
          field('role', 'role', 5, ENUM),
          field('created_at', 'createdAt', 6, INT64),
          field('updated_at', 'updatedAt', 7, INT64),
        ],
      },
    ],
    enumType: [
      {
        name: 'Role',
        value: Object.entries(Role).map(([name, number]) => ({ name, number })),
      },
    ],
  });
  const UserSchema = createFileRegistry(file, () => undefined).getMessage('user.User');
  if (UserSchema === undefined) throw new Error('the hand-built descriptor has no user.User');
  return {
    name: '@bufbuild/protobuf',
    prepare: (user) =>
      create(UserSchema, {
        ...user,
        createdAt: BigInt(user.createdAt),
        updatedAt: BigInt(user.updatedAt),
      }),
    encode: (message) => toBinary(UserSchema, message as never),
    decode: (bytes) => fromBinary(UserSchema, bytes),
  };
}

// ---------------------------------------------------------------------------------------------
// Timing.

/** Something every timed call's result feeds, so the optimiser cannot drop the call. */
let sink = 0;

/** The clock rounds are timed by (`--clock`), in nanoseconds. */
const clock: { kind: Options['clock'] } = { kind: 'wall' };
function now(): bigint {
  if (clock.kind === 'wall') return process.hrtime.bigint();
  const { user, system } = process.cpuUsage();
  return BigInt(user + system) * 1000n;
}

/** Runs `op` in batches until `seconds` have passed; returns nanoseconds per call. */
function measure(op: () => unknown, seconds: number): number {
  const budget = BigInt(Math.round(seconds * 1e9));
  let batch = 1;
  let calls = 0;
  let elapsed = 0n;
  const start = now();
  while (elapsed < budget) {
    const batchStart = now();
    for (let i = 0; i < batch; i++) {
      if (op() === null) sink++;
    }
    const batchEnd = now();
    calls += batch;
    elapsed = batchEnd - start;
    // Grow batches until each takes ~10 ms, so reading the clock costs nothing measurable.
    if (batchEnd - batchStart < 10_000_000n) batch *= 2;
  }
  return Number(elapsed) / calls;
}

interface Case {
  name: string;
  /** Builds the timed operation for one implementation. */
  build(implementation: Implementation): () => unknown;
}

function cases(users: User[]): Case[] {
  const one = users[0]!;
  return [
    {
      name: 'encode 1 User',
      build: (impl) => {
        const message = impl.prepare(one);
        return () => impl.encode(message);
      },
    },
    {
      name: 'decode 1 User',
      build: (impl) => {
        const bytes = impl.encode(impl.prepare(one));
        return () => impl.decode(bytes);
      },
    },
    {
      name: `encode ${users.length} Users`,
      build: (impl) => {
        const messages = users.map((user) => impl.prepare(user));
        return () => {
          let bytes = 0;
          for (const message of messages) bytes += impl.encode(message).length;
          return bytes;
        };
      },
    },
    {
      name: `decode ${users.length} Users`,
      build: (impl) => {
        const encoded = users.map((user) => impl.encode(impl.prepare(user)));
        return () => {
          let last: unknown;
          for (const bytes of encoded) last = impl.decode(bytes);
          return last;
        };
      },
    },
  ];
}

/** Checks every implementation writes the same bytes for every user and reads back the same. */
function checkAgreement(implementations: Implementation[], users: User[]): void {
  for (const user of users) {
    const expected = Buffer.from(handwire.encode(user)).toString('hex');
    for (const impl of implementations) {
      const actual = Buffer.from(impl.encode(impl.prepare(user))).toString('hex');
      if (actual !== expected) {
        throw new Error(`${impl.name} encodes user ${user.id} differently from handwire`);
      }
    }
  }
}

function formatRate(opsPerSecond: number): string {
  if (opsPerSecond >= 1e6) return `${(opsPerSecond / 1e6).toFixed(2)} M`;
  if (opsPerSecond >= 1e3) return `${(opsPerSecond / 1e3).toFixed(1)} k`;
  return opsPerSecond.toFixed(0);
}

const spread = (values: number[]): string =>
  `${((Math.max(...values) / Math.min(...values) - 1) * 100).toFixed(0)}%`;

export async function main(args: string[]): Promise<void> {
  const options = parseOptions(args);
  const users = makeUsers(1000);
  const implementations: Implementation[] = [
    handwire,
    protobufjsImplementation(),
    adapterImplementation(),
  ];
  try {
    implementations.push(protobufEsImplementation());
  } catch (error) {
    console.log(
      `@bufbuild/protobuf skipped: its runtime descriptor could not be built (${error}).`,
    );
  }
  checkAgreement(implementations, users);

  console.log(
    `Node ${process.version}, ${options.rounds} rounds of ≥ ${options.seconds} s (${options.clock} clock) per implementation and case; ` +
      `the best round is shown. Sample User: ${handwire.encode(users[0]!).length} bytes; ` +
      'every implementation writes identical bytes for all users.',
  );
  const rows: string[][] = [
    ['case', 'implementation', 'ns/op', 'ops/s', 'vs protobufjs', 'spread'],
  ];
  const ratios = new Map<string, CaseFigures>();
  for (const benchCase of cases(users)) {
    const ops = implementations.map((impl) => benchCase.build(impl));
    // Warm-up: let the JIT optimise every implementation before any timing counts.
    for (const op of ops) measure(op, Math.min(0.5, options.seconds));
    const samples: number[][] = implementations.map(() => []);
    for (let round = 0; round < options.rounds; round++) {
      for (let k = 0; k < ops.length; k++) {
        // Rotate the order each round, so no implementation always runs first (or last).
        const index = (k + round) % ops.length;
        samples[index]!.push(measure(ops[index]!, options.seconds));
      }
    }
    const nsPerOp = samples.map((rounds) => Math.min(...rounds));
    const reference = nsPerOp[1]!;
    implementations.forEach((impl, i) => {
      const ratio = reference / nsPerOp[i]!;
      if (impl === handwire)
        ratios.set(benchCase.name, { ratio, handwireNs: nsPerOp[i]!, protobufjsNs: reference });
      rows.push([
        benchCase.name,
        impl.name,
        nsPerOp[i]!.toFixed(0),
        formatRate(1e9 / nsPerOp[i]!),
        `${ratio.toFixed(2)}×`,
        spread(samples[i]!),
      ]);
    });
  }
  printTable(rows);

  for (const [name, figures] of reportCases(options, measure)) ratios.set(name, figures);

  // The targets set for handwire's codecs: encode ≥ 2× protobufjs, decode ≥ 1.6×.
  for (const [name, { ratio, handwireNs, protobufjsNs }] of ratios) {
    const target = name.startsWith('encode') ? 2 : 1.6;
    const verdict = ratio >= target ? 'met' : 'MISSED';
    console.log(`${name}: handwire ${ratio.toFixed(2)}× protobufjs, target ${target}× ${verdict}`);
    addSummaryRow({
      figure: `${name}, operations per second (best of ${options.rounds})`,
      unit: 'ops/s',
      handwire: 1e9 / handwireNs,
      peerName: 'protobufjs',
      peer: 1e9 / protobufjsNs,
      target: { ratio: target, atLeast: true },
    });
  }
  if (sink === -1) console.log(sink);
}

function printTable(rows: string[][]): void {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  for (const [i, row] of rows.entries()) {
    const cells = row.map((cell, column) =>
      column < 2 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!),
    );
    console.log(cells.join('  '));
    if (i === 0) console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  }
}
