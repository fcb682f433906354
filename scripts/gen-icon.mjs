#!/usr/bin/env node
// Draws build/icon.png (512x512): a rounded blue square, a source dot, an arrow
// and a target dot. Plain zlib, no image library; 4x4 supersampling for smooth edges.
// Run: node scripts/gen-icon.mjs
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const SIZE = 512;
const SAMPLES = 4;
const out = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'build', 'icon.png');

// Signed distances (negative inside) of the shapes, in pixels.
function roundedSquare(x, y, inset, radius) {
  const half = SIZE / 2 - inset;
  const qx = Math.abs(x - SIZE / 2) - (half - radius);
  const qy = Math.abs(y - SIZE / 2) - (half - radius);
  const outside = Math.hypot(Math.max(qx, 0), Math.max(qy, 0));
  return outside + Math.min(Math.max(qx, qy), 0) - radius;
}
const circle = (x, y, cx, cy, r) => Math.hypot(x - cx, y - cy) - r;
const box = (x, y, x0, y0, x1, y1) => Math.max(x0 - x, x - x1, y0 - y, y - y1);
function triangleRight(x, y, tipX, baseX, cy, halfHeight) {
  // Inside when left of the tip's two edges and right of the base.
  const slope = halfHeight / (tipX - baseX);
  const edge = (Math.abs(y - cy) - (tipX - x) * slope) / Math.hypot(1, slope);
  return Math.max(baseX - x, edge);
}

const BG_TOP = [38, 76, 122];
const BG_BOTTOM = [23, 45, 78];
const SOURCE = [126, 214, 196];
const TARGET = [255, 255, 255];
const ARROW = [255, 209, 102];

function shade(x, y) {
  if (roundedSquare(x, y, 24, 104) > 0) return null;
  if (circle(x, y, 146, 256, 62) <= 0) return SOURCE;
  if (circle(x, y, 366, 256, 62) <= 0) return TARGET;
  if (box(x, y, 222, 244, 266, 268) <= 0 || triangleRight(x, y, 298, 258, 256, 34) <= 0) return ARROW;
  const t = y / SIZE;
  return BG_TOP.map((top, i) => top + (BG_BOTTOM[i] - top) * t);
}

const raw = Buffer.alloc((SIZE * 4 + 1) * SIZE);
for (let py = 0; py < SIZE; py++) {
  const row = py * (SIZE * 4 + 1);
  raw[row] = 0; // filter: none
  for (let px = 0; px < SIZE; px++) {
    let r = 0, g = 0, b = 0, a = 0;
    for (let sy = 0; sy < SAMPLES; sy++) {
      for (let sx = 0; sx < SAMPLES; sx++) {
        const color = shade(px + (sx + 0.5) / SAMPLES, py + (sy + 0.5) / SAMPLES);
        if (!color) continue;
        r += color[0]; g += color[1]; b += color[2]; a += 1;
      }
    }
    const o = row + 1 + px * 4;
    if (a > 0) {
      raw[o] = Math.round(r / a);
      raw[o + 1] = Math.round(g / a);
      raw[o + 2] = Math.round(b / a);
    }
    raw[o + 3] = Math.round((a / (SAMPLES * SAMPLES)) * 255);
  }
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buffer) {
  let c = 0xffffffff;
  for (const byte of buffer) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header[8] = 8; // bit depth
header[9] = 6; // RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, png);
console.log(`wrote ${path.relative(process.cwd(), out)} (${SIZE}x${SIZE}, ${png.length} bytes)`);
