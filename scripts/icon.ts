/**
 * Draws the extension's icon (client/images/icon.png, 256×256): a blue shield with a white check mark, anti-aliased,
 * on a transparent background. Plain Node: shapes tested per sub-pixel, written as an RGBA PNG with zlib.
 * `npm run icon` writes it again; the PNG is committed, the package takes it from there.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';

export const ICON = join(__dirname, '..', 'client', 'images', 'icon.png');
const SIZE = 256;
/** Sub-pixels per side: 16 samples per pixel smooth the edges. */
const SAMPLES = 4;
const TOP = { r: 0x2b, g: 0x7c, b: 0xe6 };
const BOTTOM = { r: 0x0b, g: 0x3a, b: 0x8c };

/** Half the shield's width at height y (0 at the top, 1 at the bottom of the image), 0 outside it. */
function shieldHalfWidth(y: number): number {
  const top = 0.1, shoulder = 0.5, tip = 0.92, half = 0.38;
  if (y < top || y > tip) return 0;
  if (y <= shoulder) return half;
  // from the shoulder the sides curve in to the tip
  return half * (1 - ((y - shoulder) / (tip - shoulder)) ** 1.7);
}

/** Distance from (x, y) to the segment from a to b. */
function segmentDistance(x: number, y: number, a: [number, number], b: [number, number]): number {
  const [dx, dy] = [b[0] - a[0], b[1] - a[1]];
  const t = Math.max(0, Math.min(1, ((x - a[0]) * dx + (y - a[1]) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(x - (a[0] + t * dx), y - (a[1] + t * dy));
}

const CHECK: [number, number][] = [[0.33, 0.5], [0.45, 0.63], [0.68, 0.36]];
const STROKE = 0.045;

function inCheck(x: number, y: number): boolean {
  return segmentDistance(x, y, CHECK[0], CHECK[1]) < STROKE || segmentDistance(x, y, CHECK[1], CHECK[2]) < STROKE;
}

/** The icon's pixels, RGBA, row by row. */
export function iconPixels(): Buffer {
  const pixels = Buffer.alloc(SIZE * SIZE * 4);
  for (let py = 0; py < SIZE; py++) {
    for (let px = 0; px < SIZE; px++) {
      let shield = 0, check = 0;
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const x = (px + (sx + 0.5) / SAMPLES) / SIZE, y = (py + (sy + 0.5) / SAMPLES) / SIZE;
          if (Math.abs(x - 0.5) >= shieldHalfWidth(y)) continue;
          shield++;
          if (inCheck(x, y)) check++;
        }
      }
      const samples = SAMPLES * SAMPLES;
      const t = py / (SIZE - 1);
      const white = shield === 0 ? 0 : check / shield;
      const at = (py * SIZE + px) * 4;
      for (const [i, channel] of (['r', 'g', 'b'] as const).entries()) {
        const blue = TOP[channel] + (BOTTOM[channel] - TOP[channel]) * t;
        pixels[at + i] = Math.round(blue + (255 - blue) * white);
      }
      pixels[at + 3] = Math.round((255 * shield) / samples);
    }
  }
  return pixels;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** An RGBA image of `size`×`size` as a PNG file. */
export function png(pixels: Buffer, size: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8 bits per channel, RGBA, deflate, standard filters, no interlace
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) pixels.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4); // filter 0 per row
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

if (require.main === module) {
  writeFileSync(ICON, png(iconPixels(), SIZE));
  console.log(`${ICON} written`);
}
