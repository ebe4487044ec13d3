import { inflateSync } from "node:zlib";

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The first PNG inside `bytes` (a multipart upload carries one among its fields), cut at its IEND chunk. */
export function pngWithin(bytes: Buffer): Buffer {
  const start = bytes.indexOf(SIGNATURE);
  const end = bytes.indexOf("IEND", start);
  if (start < 0 || end < 0) throw new Error("no PNG in the bytes");
  return bytes.subarray(start, end + 8);
}

/**
 * Decodes enough of a PNG to judge it: its size from IHDR, and how many distinct byte values its inflated pixel
 * rows hold (a blank picture inflates to one colour and the row filter bytes: a handful).
 */
export function inspectPng(png: Buffer): { width: number; height: number; distinctBytes: number } {
  if (!png.subarray(0, 8).equals(SIGNATURE)) throw new Error("not a PNG");
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  const data: Buffer[] = [];
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    const type = png.toString("latin1", at + 4, at + 8);
    if (type === "IDAT") data.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const pixels = inflateSync(Buffer.concat(data));
  return { width, height, distinctBytes: new Set(pixels).size };
}
