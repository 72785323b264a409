import { hashString } from "../intake/trained/feature-hash.js";

/** Where an id was first seen in this submission, and whether it carried the same job there. */
export interface EarlierId {
  line: number;
  sameJob: boolean;
}

const EMPTY = 0;
/** Words per slot: id hash (2), job hash (2), line (1; 0 marks an empty slot, lines start at 1). */
const SLOT = 5;

/**
 * The ids a streaming enqueue has already taken, so the same id twice in one file is caught however
 * far apart the lines are, without holding the ids themselves: each id is kept as a 64-bit hash
 * with a 64-bit hash of its job and its line, 20 bytes a slot in one typed array (an open-addressing
 * table kept under 70% full): 42 MB at a million ids (2²¹ slots), off the JS heap, where a Map of
 * short ids ("m1-123456") to their lines is 60 MB of heap, more for longer ids. The id hash is two seeded 32-bit
 * multiplicative hashes (not a cryptographic one: a sha256 per id cost more than the table saves);
 * two different ids share all 64 bits with a chance of about n²/2⁶⁵ (3·10⁻⁸ at a million), and the
 * later one would then be reported as a repeat of the earlier line.
 */
export class SeenIds {
  private slots: Uint32Array;
  private mask: number;
  private count = 0;

  constructor(initialCapacity = 4096) {
    let capacity = 1;
    while (capacity < initialCapacity) capacity *= 2;
    this.slots = new Uint32Array(capacity * SLOT);
    this.mask = capacity - 1;
  }

  /**
   * A table that holds `ids` without growing: the survey knows how many lines a submission has, and a
   * growth at a million ids holds the old 21 MB table beside the new 42 MB one while it rehashes.
   */
  static forIds(ids: number): SeenIds {
    return new SeenIds(Math.max(4096, Math.ceil((ids * 10) / 7) + 1));
  }

  get size(): number {
    return this.count;
  }

  /** Bytes held by the table (what the report's memory figure measures). */
  get bytes(): number {
    return this.slots.byteLength;
  }

  /**
   * The earlier sighting of `id`, if any; otherwise records this one and returns undefined.
   * `jobHash` is the job's hex sha256 (jobHash()); its first 64 bits are compared.
   */
  claim(id: string, jobHash: string, line: number): EarlierId | undefined {
    // The router's own string hash, under two seeds: 64 bits of id.
    const idHigh = hashString(id, 0x811c9dc5);
    const idLow = hashString(id, 0x9747b28c);
    const jobHigh = Number.parseInt(jobHash.slice(0, 8), 16) >>> 0;
    const jobLow = Number.parseInt(jobHash.slice(8, 16), 16) >>> 0;
    for (let index = (idLow ^ idHigh) & this.mask; ; index = (index + 1) & this.mask) {
      const at = index * SLOT;
      const seenLine = this.slots[at + 4]!;
      if (seenLine === EMPTY) break;
      if (this.slots[at] === idHigh && this.slots[at + 1] === idLow) {
        return { line: seenLine, sameJob: this.slots[at + 2] === jobHigh && this.slots[at + 3] === jobLow };
      }
    }
    if ((this.count + 1) * 10 > (this.mask + 1) * 7) this.grow();
    this.insert(idHigh, idLow, jobHigh, jobLow, line);
    this.count++;
    return undefined;
  }

  private insert(idHigh: number, idLow: number, jobHigh: number, jobLow: number, line: number): void {
    let index = (idLow ^ idHigh) & this.mask;
    while (this.slots[index * SLOT + 4] !== EMPTY) index = (index + 1) & this.mask;
    this.slots.set([idHigh, idLow, jobHigh, jobLow, line], index * SLOT);
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Uint32Array(old.length * 2);
    this.mask = this.mask * 2 + 1;
    for (let at = 0; at < old.length; at += SLOT) {
      if (old[at + 4] !== EMPTY) this.insert(old[at]!, old[at + 1]!, old[at + 2]!, old[at + 3]!, old[at + 4]!);
    }
  }
}
