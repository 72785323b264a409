/**
 * How many jobs of a tier BullMQ lets run at once, across every pod (its global concurrency) and in
 * one process (the worker's concurrency): twice the tier's concurrency limit. The limit itself binds
 * the provider calls (guards/provider-slots.ts); the jobs beyond it have done their bookkeeping and
 * wait for a slot, so a slot given back goes to a call at once instead of to a job BullMQ has yet to
 * fetch. Pure.
 */
export function tierActiveLimit(concurrency: number): number {
  return 2 * concurrency;
}
