// HPACK's dynamic table (RFC 7541 §2.3.2, §4): the header fields one direction of a connection
// added so far, newest first at index 62, evicted oldest first to stay within the size the
// decoder allowed. Each direction of a connection has its own.

import type { HeaderField } from './hpack-static-table.js';

/** §4.1: an entry costs its name and value in octets plus 32 for the table's own bookkeeping. */
export const ENTRY_OVERHEAD = 32;

/** §6.5.2 SETTINGS_HEADER_TABLE_SIZE's initial value (RFC 9113 §6.5.2). */
export const DEFAULT_TABLE_SIZE = 4096;

export function entrySize(field: HeaderField): number {
  return Buffer.byteLength(field.name) + Buffer.byteLength(field.value) + ENTRY_OVERHEAD;
}

export class DynamicTable {
  /** Newest first, so entries[0] is index 62. */
  private readonly entries: HeaderField[] = [];
  private size = 0;
  private maxSize: number;

  constructor(maxSize = DEFAULT_TABLE_SIZE) {
    this.maxSize = maxSize;
  }

  get length(): number {
    return this.entries.length;
  }

  /** The current size in octets (§4.1). */
  get octets(): number {
    return this.size;
  }

  /** Entry `i` counted from 0 (the newest), or undefined. */
  at(i: number): HeaderField | undefined {
    return this.entries[i];
  }

  /** §4.4: the new entry goes first; older ones are evicted until it fits (or the table empties). */
  add(field: HeaderField): void {
    this.entries.unshift(field);
    this.size += entrySize(field);
    this.evict();
  }

  /** §6.3 Dynamic Table Size Update: a smaller maximum evicts at once. */
  resize(maxSize: number): void {
    this.maxSize = maxSize;
    this.evict();
  }

  private evict(): void {
    while (this.size > this.maxSize && this.entries.length > 0) {
      this.size -= entrySize(this.entries.pop()!);
    }
  }
}
