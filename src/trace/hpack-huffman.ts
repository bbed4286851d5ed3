// HPACK's Huffman code for string literals (RFC 7541 §5.2, Appendix B): the code length of each
// of the 256 byte values and of EOS, transcribed from Appendix B, and a decoder built from them.
//
// Why only lengths: the table of Appendix B is a canonical Huffman code (codes of one length are
// consecutive binary numbers, in symbol order, each length starting where the shorter ones left
// off), so the lengths alone determine every code. `huffmanCode` rebuilds them, and the tests
// check a few against the codes Appendix B prints.

/** Appendix B's "len in bits" column, for the symbols 0 to 255; EOS (256) is 30 bits long. */
// biome-ignore format: a table from the spec, sixteen symbols a row.
const CODE_LENGTHS: readonly number[] = [
  13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28, //   0..15
  28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28, //  16..31
  6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6, //         ' ' .. '/'
  5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10, //              '0' .. '?'
  13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, //                '@' .. 'O'
  7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6, //             'P' .. '_'
  15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5, //                '`' .. 'o'
  6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28, //            'p' .. 127
  20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23, // 128..143
  24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24, // 144..159
  22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23, // 160..175
  21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23, // 176..191
  26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25, // 192..207
  19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27, // 208..223
  20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23, // 224..239
  26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26, // 240..255
  30, //                                                             EOS
];

/** The symbol number of EOS, which must never appear decoded (§5.2). */
export const EOS = 256;

/** A code: its bits, right-aligned, and how many there are. */
export interface HuffmanCode {
  readonly bits: number;
  readonly length: number;
}

/** Every code, indexed by symbol, rebuilt from the lengths (canonical order: length, then symbol). */
const CODES: readonly HuffmanCode[] = buildCanonicalCodes(CODE_LENGTHS);

function buildCanonicalCodes(lengths: readonly number[]): HuffmanCode[] {
  const symbols = lengths.map((length, symbol) => ({ length, symbol }));
  symbols.sort((a, b) => a.length - b.length || a.symbol - b.symbol);
  const codes: HuffmanCode[] = new Array(lengths.length);
  let next = 0;
  let previousLength = symbols[0]!.length;
  for (const { length, symbol } of symbols) {
    next *= 2 ** (length - previousLength); // a longer code: append zeros to the running value
    previousLength = length;
    codes[symbol] = { bits: next, length };
    next += 1;
  }
  return codes;
}

/** The code Appendix B gives a symbol (0-255, or 256 for EOS). */
export function huffmanCode(symbol: number): HuffmanCode {
  const code = CODES[symbol];
  if (code === undefined) throw new RangeError(`no Huffman symbol ${symbol}`);
  return code;
}

/** A node of the decoding tree: a leaf holds a symbol, an inner node its two children. */
interface Node {
  symbol?: number;
  zero?: Node;
  one?: Node;
}

const TREE: Node = buildTree();

function buildTree(): Node {
  const root: Node = {};
  CODES.forEach(({ bits, length }, symbol) => {
    let node = root;
    for (let bit = length - 1; bit >= 0; bit--) {
      const branch = Math.floor(bits / 2 ** bit) % 2 === 1 ? 'one' : 'zero';
      node[branch] ??= {};
      node = node[branch];
    }
    node.symbol = symbol;
  });
  return root;
}

/**
 * Decodes a Huffman-coded string literal. The padding after the last code must be the most
 * significant bits of EOS (all ones) and shorter than 8 bits; EOS itself is an error (§5.2).
 */
export function huffmanDecode(encoded: Uint8Array): Buffer {
  const out: number[] = [];
  let node = TREE;
  let bitsSinceSymbol = 0;
  let allOnesSinceSymbol = true;
  for (const byte of encoded) {
    for (let bit = 7; bit >= 0; bit--) {
      const one = ((byte >> bit) & 1) === 1;
      const child = one ? node.one : node.zero;
      if (child === undefined) throw new Error('not a valid Huffman code (RFC 7541 §5.2)');
      bitsSinceSymbol++;
      allOnesSinceSymbol &&= one;
      if (child.symbol === undefined) {
        node = child;
        continue;
      }
      if (child.symbol === EOS) throw new Error('EOS inside a Huffman string (RFC 7541 §5.2)');
      out.push(child.symbol);
      node = TREE;
      bitsSinceSymbol = 0;
      allOnesSinceSymbol = true;
    }
  }
  if (bitsSinceSymbol > 7 || !allOnesSinceSymbol)
    throw new Error('Huffman padding longer than 7 bits or not all ones (RFC 7541 §5.2)');
  return Buffer.from(out);
}
