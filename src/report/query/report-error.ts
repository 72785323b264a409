/** A report that cannot be made as asked (unknown dimension, bad filter); the message says what to change. */
export class ReportError extends Error {
  override name = "ReportError";
}
