/**
 * The barcode pictures the stand-in draws: a row of bars derived from the
 * barcode's type and data, as a real PNG (signature, IHDR, IDAT deflated by
 * `node:zlib`, IEND, each chunk with its CRC) or as SVG. They decode as
 * images, not as barcodes: no symbology is implemented.
 */
import { deflateSync } from 'node:zlib';
import { crc32 } from './stand-in-crc32.js';

/** The widths of bars (1–4 modules) and gaps (1 module) for `type` and `data`: one bar per byte. */
function barWidths(type: string, data: string): number[] {
  return [...Buffer.from(`${type}:${data}`, 'utf8')].map((b) => (b % 4) + 1);
}

/** Most bars drawn, so a long `data` cannot make a huge picture. */
const MAX_BARS = 512;
const MODULE = 2;
const HEIGHT = 60;
const MARGIN = 10;

/** A grayscale 8-bit PNG of the bars. @internal */
export function barcodePng(type: string, data: string): Buffer {
  const bars = barWidths(type, data).slice(0, MAX_BARS);
  const width = MARGIN * 2 + bars.reduce((sum, w) => sum + (w + 1) * MODULE, 0);
  const row = Buffer.alloc(1 + width, 0xff);
  row[0] = 0; // filter type None
  let x = MARGIN;
  for (const w of bars) {
    row.fill(0x00, 1 + x, 1 + x + w * MODULE);
    x += (w + 1) * MODULE;
  }
  const raw = Buffer.alloc(row.length * (HEIGHT + MARGIN * 2), 0xff);
  for (let y = 0; y < HEIGHT + MARGIN * 2; y++) {
    const at = y * row.length;
    raw[at] = 0;
    if (y >= MARGIN && y < MARGIN + HEIGHT) row.copy(raw, at);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(HEIGHT + MARGIN * 2, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // colour type: grayscale
  // compression, filter and interlace methods: 0
  return Buffer.concat([PNG_SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** One PNG chunk: length, type, data, and the CRC of type and data. */
function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(data, crc32(head.subarray(4))), 0);
  return Buffer.concat([head, data, crc]);
}

/** An SVG of the bars, its title naming the type and data. @internal */
export function barcodeSvg(type: string, data: string): string {
  const bars = barWidths(type, data).slice(0, MAX_BARS);
  let x = MARGIN;
  const rects: string[] = [];
  for (const w of bars) {
    rects.push(`<rect x="${x}" y="${MARGIN}" width="${w * MODULE}" height="${HEIGHT}"/>`);
    x += (w + 1) * MODULE;
  }
  const title = `${escapeXml(type)}: ${escapeXml(data)}`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${x + MARGIN}" height="${HEIGHT + MARGIN * 2}"><title>${title}</title>${rects.join('')}</svg>`;
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
