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
 * table kept under 70% full, sized to that and not rounded up to a power of two): 29 MB at a million
 * ids (1.43 M slots; a power of two would be 2²¹ slots, 42 MB), off the JS heap, where a Map of
 * short ids ("m1-123456") to their lines is 60 MB of heap, more for longer ids. The id hash is two seeded 32-bit
 * multiplicative hashes (not a cryptographic one: a sha256 per id cost more than the table saves);
 * two different ids share all 64 bits with a chance of about n²/2⁶⁵ (3·10⁻⁸ at a million), and the
 * later one would then be reported as a repeat of the earlier line.
 */
export class SeenIds {
  private slots: Uint32Array;
  private capacity: number;
  private count = 0;

  constructor(initialCapacity = 4096) {
    this.capacity = Math.max(1, Math.ceil(initialCapacity));
    this.slots = new Uint32Array(this.capacity * SLOT);
  }

  /**
   * A table that holds `ids` without growing: the survey knows how many lines a submission has, and a
   * growth at a million ids holds the old table beside one twice its size while it rehashes.
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
    for (let index = this.home(idHigh, idLow); ; index = this.next(index)) {
      const at = index * SLOT;
      const seenLine = this.slots[at + 4]!;
      if (seenLine === EMPTY) break;
      if (this.slots[at] === idHigh && this.slots[at + 1] === idLow) {
        return { line: seenLine, sameJob: this.slots[at + 2] === jobHigh && this.slots[at + 3] === jobLow };
      }
    }
    if ((this.count + 1) * 10 > this.capacity * 7) this.grow();
    this.insert(idHigh, idLow, jobHigh, jobLow, line);
    this.count++;
    return undefined;
  }

  private insert(idHigh: number, idLow: number, jobHigh: number, jobLow: number, line: number): void {
    let index = this.home(idHigh, idLow);
    while (this.slots[index * SLOT + 4] !== EMPTY) index = this.next(index);
    this.slots.set([idHigh, idLow, jobHigh, jobLow, line], index * SLOT);
  }

  /** The slot an id's probe starts at. */
  private home(idHigh: number, idLow: number): number {
    return ((idLow ^ idHigh) >>> 0) % this.capacity;
  }

  private next(index: number): number {
    return index + 1 === this.capacity ? 0 : index + 1;
  }

  private grow(): void {
    const old = this.slots;
    this.capacity *= 2;
    this.slots = new Uint32Array(this.capacity * SLOT);
    for (let at = 0; at < old.length; at += SLOT) {
      if (old[at + 4] !== EMPTY) this.insert(old[at]!, old[at + 1]!, old[at + 2]!, old[at + 3]!, old[at + 4]!);
    }
  }
}
