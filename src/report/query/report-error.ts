import { RouterError } from "../../errors/router-error.js";

/** A report that cannot be made as asked (unknown dimension, bad filter); the message says what to change. */
export class ReportError extends RouterError {
  override name = "ReportError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("usage", message, options);
  }
}
