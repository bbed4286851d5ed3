// One descriptor.proto message being written (protobuf "Encoding": keys, varints and
// length-delimited fields). descriptor.proto is proto2: a field is written when present.

import { bytesSize, int32Size, stringSize, tagSize } from '../../wire/sizes.js';
import { WireType } from '../../wire/wire-types.js';
import { Writer } from '../../wire/writer.js';

/**
 * A message being built: its fields in order, encoded once all are known. descriptor.proto is
 * proto2, so a field is written when it is present, not when it differs from a default: callers
 * pass undefined for an absent field. Nested messages arrive already encoded, as bytes.
 */
export class DescriptorMessage {
  private readonly fields: {
    readonly number: number;
    readonly value: string | number | boolean | Uint8Array;
  }[] = [];

  string(number: number, value: string | undefined): this {
    if (value !== undefined) this.fields.push({ number, value });
    return this;
  }

  int32(number: number, value: number | undefined): this {
    if (value !== undefined) this.fields.push({ number, value });
    return this;
  }

  bool(number: number, value: boolean | undefined): this {
    if (value !== undefined) this.fields.push({ number, value });
    return this;
  }

  message(number: number, value: Uint8Array | undefined): this {
    if (value !== undefined) this.fields.push({ number, value });
    return this;
  }

  encode(): Buffer {
    let size = 0;
    for (const { number, value } of this.fields) {
      size += tagSize(number);
      if (typeof value === 'string') size += stringSize(value);
      else if (typeof value === 'number') size += int32Size(value);
      else if (typeof value === 'boolean') size += 1;
      else size += bytesSize(value);
    }
    const writer = Writer.ofSize(size);
    for (const { number, value } of this.fields) {
      if (typeof value === 'string') writer.tag(number, WireType.LengthDelimited).string(value);
      else if (typeof value === 'number') writer.tag(number, WireType.Varint).int32(value);
      else if (typeof value === 'boolean') writer.tag(number, WireType.Varint).bool(value);
      else writer.tag(number, WireType.LengthDelimited).bytes(value);
    }
    return writer.finish();
  }
}
