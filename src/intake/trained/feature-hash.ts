/**
 * The hash behind feature hashing: MurmurHash3's 32-bit mixing, fed one UTF-16 code unit at a
 * time so an n-gram is hashed straight from the text without cutting a substring. A model file
 * names this function ("murmur3-utf16"); changing it makes every trained model read the wrong
 * weights, so it is versioned rather than edited.
 */

export const HASH_NAME = "murmur3-utf16";

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

/** Mixes one 32-bit value (a code unit, or a whole token's hash) into a running state. */
export function mixHash(state: number, value: number): number {
  let k = Math.imul(value, C1);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, C2);
  let h = state ^ k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** Final avalanche: every input bit affects every output bit, so the low bits make a fair bucket index. */
export function finishHash(state: number, length: number): number {
  let h = state ^ length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The hash of a whole string under a seed (the namespace). */
export function hashString(text: string, seed: number): number {
  let state = seed | 0;
  for (let index = 0; index < text.length; index++) state = mixHash(state, text.charCodeAt(index));
  return finishHash(state, text.length);
}
