// The symbol index server reflection answers from (grpc doc/server-reflection.md:
// file_containing_symbol, file_containing_extension, all_extension_numbers_of_type): which file
// declares each full name, and the extension numbers known for each message type.

export class SymbolIndex {
  readonly symbols = new Map<string, string>();
  readonly messageTypes = new Map<string, Map<number, string>>();
  private pendingExtensions: { extendee: string; number: number; file: string }[] = [];

  /** Records `symbol` as declared in `file`; the first file to declare it keeps it. */
  add(symbol: string, file: string): void {
    if (!this.symbols.has(symbol)) this.symbols.set(symbol, file);
  }

  /** A package and each enclosing package (`grpc.health.v1`, `grpc.health`, `grpc`). */
  addPackage(name: string, file: string): void {
    for (let end = name.length; end > 0; end = name.lastIndexOf('.', end - 1)) {
      this.add(name.slice(0, end), file);
    }
  }

  addMessageType(name: string, file: string): void {
    this.add(name, file);
    if (!this.messageTypes.has(name)) this.messageTypes.set(name, new Map());
    // Extensions of a type declared in a later file were held back until the type is known.
    const pending = this.pendingExtensions;
    this.pendingExtensions = [];
    for (const extension of pending)
      this.addExtension(extension.extendee, extension.number, extension.file);
  }

  addExtension(extendee: string, number: number, file: string): void {
    const extensions = this.messageTypes.get(extendee);
    if (extensions === undefined) this.pendingExtensions.push({ extendee, number, file });
    else if (!extensions.has(number)) extensions.set(number, file);
  }
}
