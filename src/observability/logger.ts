import { pino, type DestinationStream, type Logger } from "pino";
import pinoPretty from "pino-pretty";

export type { Logger };

export type LogFormat = "json" | "pretty";

export interface LoggerOptions {
  /** Default: `pretty` when `tty` is true, else `json` (the env's LOG_FORMAT, when set, decides). */
  format?: LogFormat;
  /** Fields on every line. */
  bindings?: Record<string, unknown>;
  /** Where lines go. Default: stderr (stdout carries command output such as batch ids and reports). */
  destination?: NodeJS.WritableStream;
  /** Whether the destination is a terminal (colours, and the default format). Default: process.stderr.isTTY. */
  tty?: boolean;
}

/**
 * JSON lines for machines (log collectors on Kubernetes, `docker compose logs`), a pretty form for a
 * person at a terminal. Keys are redacted by path in case a caller ever logs a client's options or headers.
 */
export function createLogger(level: string, options: LoggerOptions = {}): Logger {
  const tty = options.tty ?? process.stderr.isTTY === true;
  const format = options.format ?? (tty ? "pretty" : "json");
  const settings = {
    level,
    base: { service: "llm-router", ...options.bindings },
    redact: {
      paths: ["apiKey", "*.apiKey", "headers.authorization", "*.headers.authorization", "headers['x-api-key']"],
      censor: "[redacted]",
    },
  };
  return pino(settings, format === "pretty" ? prettyStream(options.destination, tty) : jsonStream(options.destination));
}

function jsonStream(destination: NodeJS.WritableStream | undefined): DestinationStream {
  return destination ?? pino.destination(2);
}

/**
 * In-process and synchronous (not a pino transport thread): a terminal is one person's, throughput
 * does not matter, and a line logged just before `process.exit` must still appear.
 */
function prettyStream(destination: NodeJS.WritableStream | undefined, colorize: boolean): DestinationStream {
  return pinoPretty({
    destination: destination ?? 2,
    sync: true,
    colorize,
    translateTime: "SYS:HH:MM:ss.l",
    ignore: "pid,hostname,service",
  });
}
