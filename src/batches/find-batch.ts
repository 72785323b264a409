import { RouterError } from "../errors/router-error.js";
import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../ledger/db/database.js";

export class BatchNotFoundError extends RouterError {
  override name = "BatchNotFoundError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("not_found", message, options);
  }
}

export interface BatchRow {
  id: string;
  name: string;
  createdAt: string;
  /** When `batch ID --cancel` first ran; null while the batch is live. */
  cancelledAt: string | null;
}

/** The batch, or a clear error: an unknown id is never an empty answer. */
export async function requireBatch(db: Db, batchId: string): Promise<BatchRow> {
  const [row] = await queryRows<{ id: string; name: string; created_at: string; cancelled_at: string | null }>(
    db,
    sql`select id, name, created_at::text, cancelled_at::text from batches where id = ${batchId}`,
  );
  if (!row) throw new BatchNotFoundError(`no batch with id ${batchId} (see \`llm-router batches\`)`);
  return { id: row.id, name: row.name, createdAt: row.created_at, cancelledAt: row.cancelled_at };
}
