// A dependency-free PNG line plot for the soak's samples: PNG as the W3C PNG specification
// (Third Edition) §5 and §11 define it — signature, IHDR, one zlib IDAT, IEND, each chunk with its
// CRC-32 — drawing one panel per series, stacked, each scaled from 0 to its own maximum.

import { deflateSync } from 'node:zlib';

export interface Series {
  name: string;
  values: number[];
  /** Line colour as [r, g, b]. */
  colour: [number, number, number];
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/** Encodes an RGB image (3 bytes a pixel, rows top to bottom) as a PNG file. */
export function encodePng(width: number, height: number, rgb: Buffer): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: truecolour
  // Each row starts with filter type 0 (None).
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    rgb.copy(raw, y * (width * 3 + 1) + 1, y * width * 3, (y + 1) * width * 3);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Draws each series in its own panel (white background, grey frame, zero at the bottom). */
export function plotSeries(series: Series[], width = 800, panelHeight = 160): Buffer {
  const height = panelHeight * series.length;
  const rgb = Buffer.alloc(width * height * 3, 255);
  const set = (x: number, y: number, [r, g, b]: [number, number, number]) => {
    if (x < 0 || y < 0 || x >= width || y >= height) return;
    const at = (y * width + x) * 3;
    rgb[at] = r;
    rgb[at + 1] = g;
    rgb[at + 2] = b;
  };
  const margin = 8;
  series.forEach((one, panel) => {
    const top = panel * panelHeight + margin;
    const bottom = (panel + 1) * panelHeight - margin;
    for (let x = margin; x < width - margin; x++) {
      set(x, top, [180, 180, 180]);
      set(x, bottom, [180, 180, 180]);
    }
    for (let y = top; y <= bottom; y++) {
      set(margin, y, [180, 180, 180]);
      set(width - margin, y, [180, 180, 180]);
    }
    const max = Math.max(...one.values, 1e-9);
    const xOf = (i: number) =>
      margin + Math.round((i * (width - 2 * margin)) / Math.max(1, one.values.length - 1));
    const yOf = (v: number) => bottom - Math.round((v / max) * (bottom - top - 4));
    for (let i = 1; i < one.values.length; i++) {
      const [x0, y0, x1, y1] = [xOf(i - 1), yOf(one.values[i - 1]!), xOf(i), yOf(one.values[i]!)];
      const steps = Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0), 1);
      for (let s = 0; s <= steps; s++) {
        const x = Math.round(x0 + ((x1 - x0) * s) / steps);
        const y = Math.round(y0 + ((y1 - y0) * s) / steps);
        set(x, y, one.colour);
        set(x, y + 1, one.colour);
      }
    }
  });
  return encodePng(width, height, rgb);
}
