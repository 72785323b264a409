import type { LedgerWriter } from "../ledger/ledger-writer.js";
import { persist } from "../ledger/persist.js";
import type { Logger } from "../observability/logger.js";
import { batchShare } from "../pricing/batch-rate.js";
import type { LiveConfig } from "../providers/live-config.js";
import { TruncatedResultsError, type BatchProviderClient, type BatchResultLine } from "./batch-provider.js";
import { laneOf, type Collector } from "./collector.js";
import { itemRecord, type ItemContext } from "./item-record.js";
import type { ProviderBatchRow, ProviderBatchStore } from "./provider-batch-store.js";
import type { SendOn } from "./send-on.js";
import { restoreLostSubmission } from "./restore-submission.js";
import { duplicateRecord } from "./duplicate-record.js";

/** A result Redis does not know turned out to be ours (Postgres has the item): Redis lost the lane's state mid-ingest. */
export class LaneStateLostError extends Error {
  override name = "LaneStateLostError";
}

/** Lines handled together: their ledger writes share group commits; memory stays this many lines. */
const CHUNK_LINES = 500;
/** Unknown custom_ids logged one by one up to this many per batch, then counted. */
const MAX_UNKNOWN_LOGS = 5;
/** A results file that keeps arriving truncated is read this often before its missing items go on as errors. */
export const MAX_TRUNCATED_READS = 3;

export interface IngestReport {
  /** Lines that reached an item of ours not done before. */
  ingested: number;
  /** Lines of ours already done (a re-ingest after a crash). */
  alreadyDone: number;
  unknown: number;
  /** Items with no result line, sent on as `result_missing`. */
  missing: number;
  /** False when the file was truncated and will be read again (`truncatedReads` < MAX_TRUNCATED_READS). */
  complete: boolean;
}

export interface IngesterDeps {
  live: () => LiveConfig;
  collector: Collector;
  store: ProviderBatchStore;
  sendOn: SendOn;
  /** Writes a duplicate's accounting rows (no request outcome). */
  ledger: LedgerWriter;
  logger: Logger;
  now: () => Date;
  signal?: AbortSignal;
  /** Runs after each ingested line with the count so far (the crash tests kill the process half way). */
  afterLine?: (ingested: number, items: number) => void;
}

/**
 * Streams an ended batch's results, one attempt row per line, each item sent on (send-on.ts).
 * Memory is one chunk of lines, whatever the file's size. Safe to run again on the same batch:
 * items already done are skipped (collector's done marks), rows conflict on the attempt id.
 */
export function createIngester(deps: IngesterDeps) {
  async function ingest(
    row: ProviderBatchRow,
    client: BatchProviderClient,
    endedAt: Date | undefined,
    truncatedReads: number,
  ): Promise<IngestReport> {
    const lane = laneOf(row);
    const log = deps.logger.child({
      submission: row.id,
      providerBatch: row.providerBatchId,
      provider: row.provider,
      model: row.model,
      tier: row.tier,
    });
    const live = deps.live();
    const modelConfig = live.config.tiers.find((tier) => tier.name === row.tier)?.models.find((model) => model.model === row.model);
    const context: ItemContext = {
      submissionId: row.id,
      submittedAt: row.submittedAt ?? row.createdAt,
      resultAt: endedAt ?? deps.now(),
      rates: live.priceBook.ratesFor(row.provider, row.model),
      share: modelConfig ? batchShare(live.config, modelConfig) : live.config.batchDiscount[row.provider],
    };
    if (row.duplicateOf) return ingestDuplicate(row, client, context, log, truncatedReads);
    const report: IngestReport = { ingested: 0, alreadyDone: 0, unknown: 0, missing: 0, complete: true };
    await restoreLostSubmission({ ...deps, logger: log }, row);
    const handle = async (line: BatchResultLine) => {
      const item = await deps.collector.item(lane, row.id, line.customId);
      if (item === "done") {
        report.alreadyDone++;
        return;
      }
      if (item === undefined) {
        // Read again from the top next tick, after the restore: done items are skipped then.
        if (await deps.store.hasItem(row.id, line.customId))
          throw new LaneStateLostError(`Redis lost the items of submission ${row.id} while its results were read`);
        report.unknown++;
        if (report.unknown <= MAX_UNKNOWN_LOGS)
          log.warn({ customId: line.customId }, "batch result for an unknown custom_id: not ours, ignored");
        return;
      }
      await deps.sendOn(row.id, item, itemRecord(item, line, context));
      report.ingested++;
      deps.afterLine?.(report.ingested, row.items);
    };
    const read = await readResults(client, row.providerBatchId!, log, truncatedReads, async (lines) => {
      await Promise.all(lines.map(handle));
    });
    if (!read) return { ...report, complete: false };
    if (report.unknown > MAX_UNKNOWN_LOGS) log.warn({ unknown: report.unknown }, "batch results held more lines for unknown custom_ids");
    // Items the provider said nothing about (a truncated file, a failed batch): an error each, sent on.
    // Restored first if Redis lost them meanwhile: an item with no attempt row is still missing.
    await restoreLostSubmission({ ...deps, logger: log }, row);
    const missing = await deps.collector.pendingItems(lane, row.id);
    if (missing.size > 0)
      log.warn({ items: missing.size }, "batch ended without a result for some items: they go on as errors (result_missing)");
    for (const item of missing.values()) {
      await deps.sendOn(row.id, item, itemRecord(item, undefined, context));
      report.missing++;
    }
    await deps.store.markEnded(row.id, row.ingested + report.ingested + report.missing);
    await deps.collector.forget(lane, row.id);
    log.info(
      { ingested: report.ingested, missing: report.missing, unknown: report.unknown, alreadyDone: report.alreadyDone },
      "provider batch ingested",
    );
    return report;
  }

  /**
   * A duplicate provider batch (submitter.ts cancelDuplicate) has ended: each item the provider
   * billed becomes an accounting row (duplicate-record.ts), so the ledger matches the bill; no
   * item goes on and no request ends (its own submission does that). Items are looked up in
   * Postgres by custom_id, a chunk at a time; rows conflict on their stable ids if read again.
   */
  async function ingestDuplicate(
    row: ProviderBatchRow,
    client: BatchProviderClient,
    context: ItemContext,
    log: Logger,
    truncatedReads: number,
  ): Promise<IngestReport> {
    const report: IngestReport = { ingested: 0, alreadyDone: 0, unknown: 0, missing: 0, complete: true };
    const recordChunk = async (lines: BatchResultLine[]) => {
      const items = await deps.store.itemsByIds(lines.map((line) => line.customId));
      const records = lines.flatMap((line) => {
        const item = items.get(line.customId);
        if (!item) {
          report.unknown++;
          return [];
        }
        const record = duplicateRecord(item, line, context);
        return record ? [record] : [];
      });
      if (records.length === 0) return;
      await persist(() => deps.ledger.write(records), {
        what: "duplicate batch attempts",
        signal: deps.signal,
        onRetry: (error, attempt, delayMs) => log.warn({ attempt, delayMs, error: String(error) }, "batch lane: write failed; retrying"),
      });
      report.ingested += records.length;
    };
    if (!(await readResults(client, row.providerBatchId!, log, truncatedReads, recordChunk))) return { ...report, complete: false };
    await deps.store.markEnded(row.id, report.ingested);
    log.warn(
      { duplicateOf: row.duplicateOf, billed: report.ingested, unknown: report.unknown },
      "duplicate provider batch ingested: its billed items are recorded as duplicate_submission",
    );
    return report;
  }

  return ingest;
}

export type Ingester = ReturnType<typeof createIngester>;

/**
 * Streams a provider batch's results file to `onChunk`, CHUNK_LINES lines at a time, so memory stays
 * one chunk whatever the file's size. A truncated file keeps what was read; the answer is false
 * while it should be read again (fewer than MAX_TRUNCATED_READS reads so far), else true.
 */
async function readResults(
  client: BatchProviderClient,
  providerBatchId: string,
  log: Logger,
  truncatedReads: number,
  onChunk: (lines: BatchResultLine[]) => Promise<void>,
): Promise<boolean> {
  let chunk: BatchResultLine[] = [];
  const flush = async () => {
    const lines = chunk;
    chunk = [];
    if (lines.length > 0) await onChunk(lines);
  };
  try {
    for await (const line of client.results(providerBatchId)) {
      chunk.push(line);
      if (chunk.length >= CHUNK_LINES) await flush();
    }
    await flush();
  } catch (error) {
    if (!(error instanceof TruncatedResultsError)) throw error;
    await flush();
    log.error(
      { error: error.message, read: truncatedReads + 1, of: MAX_TRUNCATED_READS },
      "batch results file is truncated: lines read so far are kept",
    );
    if (truncatedReads + 1 < MAX_TRUNCATED_READS) return false;
  }
  return true;
}
