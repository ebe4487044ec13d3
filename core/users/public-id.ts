import { randomInt } from "node:crypto";

/** No 0/O, 1/I/L: ids are read aloud and typed on phones. */
const ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/** `length` random characters of the id alphabet. */
export function randomId(length: number): string {
  let id = "";
  for (let i = 0; i < length; i++) id += ALPHABET[randomInt(ALPHABET.length)];
  return id;
}

/** `U` + 7 characters: 31^7 ≈ 2.7e10 ids, short enough for a Telegram deep link next to other data. */
export function newPublicId(): string {
  return `U${randomId(7)}`;
}

/** `index` in base 31 over the id alphabet, `width` characters: distinct, valid ids for demo data. */
export function base31(index: number, width: number): string {
  let rest = index;
  let digits = "";
  for (let i = 0; i < width; i++) {
    digits = (ALPHABET[rest % 31] ?? "2") + digits;
    rest = Math.floor(rest / 31);
  }
  return digits;
}

export const PUBLIC_ID_PATTERN = /^U[2-9A-HJKMNP-Z]{7}$/;
