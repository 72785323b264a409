import { RouterError } from "../../errors/router-error.js";

/**
 * A report that cannot be made as asked (unknown dimension, bad or empty window, unknown batch);
 * the message says what to change. A usage error: the CLI exits with code 2.
 */
export class ReportError extends RouterError {
  override name = "ReportError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("usage", message, options);
  }
}
