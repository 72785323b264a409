import { pino, type Logger } from "pino";

export type { Logger };

/**
 * JSON lines to stderr (stdout carries command output such as batch ids and reports).
 * Keys are redacted by path in case a caller ever logs a client's options or headers.
 */
export function createLogger(level: string, bindings: Record<string, unknown> = {}): Logger {
  return pino(
    {
      level,
      base: { service: "llm-router", ...bindings },
      redact: {
        paths: ["apiKey", "*.apiKey", "headers.authorization", "*.headers.authorization", "headers['x-api-key']"],
        censor: "[redacted]",
      },
    },
    pino.destination(2),
  );
}
