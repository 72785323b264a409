/**
 * Postgres COPY text format (the default of `COPY ... FROM STDIN`): one row a line, columns split by
 * a tab, `\N` for NULL, and a backslash, newline, carriage return or tab inside a value escaped with
 * a backslash. Nothing else is special, so any other character (unicode, quotes, a "\u0000" written
 * as JSON's six-character escape) goes through as it is. Pure.
 */

/** The characters that must be escaped inside a value: \ \n \r \t. */
const SPECIAL = /[\\\n\r\t]/g;
const ESCAPES: Record<string, string> = { "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t" };
const escapeOne = (char: string): string => ESCAPES[char]!;

/** One column value: a string, a finite number, or null/undefined for NULL. */
export type CopyValue = string | number | null | undefined;

export function copyField(value: CopyValue): string {
  if (value === null || value === undefined) return "\\N";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TypeError(`COPY value must be a finite number, got ${value}`);
    return String(value);
  }
  // A Postgres text value cannot hold NUL: refused here with a clear message, not by the server mid-COPY.
  if (value.includes("\u0000")) throw new TypeError("COPY value must not contain NUL characters");
  SPECIAL.lastIndex = 0;
  return SPECIAL.test(value) ? value.replace(SPECIAL, escapeOne) : value;
}

/** One row: its fields, tab-separated, with the closing newline. */
export function copyRow(values: readonly CopyValue[]): string {
  let line = copyField(values[0]);
  for (let index = 1; index < values.length; index++) line += `\t${copyField(values[index])}`;
  return `${line}\n`;
}
