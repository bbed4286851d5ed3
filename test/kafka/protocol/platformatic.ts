// Test helper: runs @platformatic/kafka's own protocol codecs (an implementation nobody here
// wrote) against this layer's: its request bodies decoded here, response bodies encoded here parsed
// there (kafka.apache.org/protocol "The Messages"; flexible versions: KIP-482).

import * as plt from '@platformatic/kafka';
import { kafkaApi } from '../../../src/kafka/protocol/apis/index.js';
import type { MessageCodec } from '../../../src/kafka/protocol/message-codec.js';
import { KafkaReader } from '../../../src/kafka/protocol/reader.js';
import { KafkaWriter } from '../../../src/kafka/protocol/writer.js';

/** A codec module by its file name ('producer/produce-v11' is exported as produceV11). */
const platformatic = async (path: string): Promise<any> => {
  const name = path.split('/')[1]!.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
  return (plt as Record<string, unknown>)[name];
};
const { Reader } = plt as any;

/** platformatic builds the request body; handwire decodes it. */
export async function fromPlatformatic(
  path: string,
  apiKey: number,
  version: number,
  ...args: unknown[]
) {
  const { createRequest } = await platformatic(path);
  const body: Buffer = createRequest(...args).buffer;
  const r = new KafkaReader(body);
  const decoded = (kafkaApi(apiKey)!.request as MessageCodec<any>).decode(r, version);
  if (r.remaining !== 0) throw new Error(`${path}: ${r.remaining} bytes left`);
  return decoded;
}

/** handwire encodes the response body; platformatic parses it. */
export async function toPlatformatic(
  path: string,
  apiKey: number,
  version: number,
  value: unknown,
) {
  const { parseResponse } = await platformatic(path);
  const w = new KafkaWriter();
  (kafkaApi(apiKey)!.response as MessageCodec<any>).encode(w, version, value);
  return parseResponse(1, apiKey, version, Reader.from(w.toBuffer()));
}
