// WireError: the one error the protobuf and gRPC framing decoders throw (protobuf.dev "Encoding").

/**
 * Thrown for input that is not valid protobuf or gRPC framing. The message names the problem and
 * the byte offset where it was found, so a caller can tell a truncated body from a corrupt one.
 */
export class WireError extends Error {
  override readonly name: string = 'WireError';
  /** Byte offset in the decoded buffer where the problem was found. */
  readonly offset: number;

  constructor(problem: string, offset: number) {
    super(`${problem} at byte ${offset}`);
    this.offset = offset;
  }
}
