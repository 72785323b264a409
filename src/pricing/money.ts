/**
 * Exact money. Costs are integers of picodollars (1e-12 USD) in a bigint: a price of
 * $X per million tokens is exactly X·1e6 picodollars per token, so tokens × rate never rounds.
 * Floats never touch money; Postgres stores the result as numeric.
 */

export type Picodollars = bigint;

const SCALE_DIGITS = 12;
const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/** "$ per million tokens" as a decimal string → picodollars per token, exactly (up to 6 decimals). */
export function perMtokToPicoPerToken(pricePerMtok: string): Picodollars {
  const match = DECIMAL.exec(pricePerMtok.trim());
  if (!match) throw new Error(`not a decimal price: "${pricePerMtok}"`);
  const [, whole, fraction = ""] = match;
  if (fraction.replace(/0+$/, "").length > 6) {
    throw new Error(`price "${pricePerMtok}" has more than 6 decimals per million tokens; cannot price it exactly`);
  }
  return BigInt(whole!) * 1_000_000n + BigInt(fraction.padEnd(6, "0").slice(0, 6) || "0");
}

/** A catalog number (e.g. 0.075) → its shortest decimal string, which is what the catalog's author wrote. */
export function numberToDecimalString(value: number): string {
  if (!Number.isFinite(value) || value < 0) throw new Error(`not a price: ${value}`);
  const text = String(value);
  if (!text.includes("e")) return text;
  return value.toFixed(12).replace(/0+$/, "").replace(/\.$/, "");
}

/** Picodollars → a USD decimal string with 12 places, as Postgres numeric accepts it. */
export function formatUsd(amount: Picodollars): string {
  const negative = amount < 0n;
  const digits = (negative ? -amount : amount).toString().padStart(SCALE_DIGITS + 1, "0");
  const whole = digits.slice(0, -SCALE_DIGITS);
  const fraction = digits.slice(-SCALE_DIGITS);
  return `${negative ? "-" : ""}${whole}.${fraction}`;
}

/** A USD decimal string (as Postgres returns numeric) → picodollars, exactly. */
export function parseUsd(text: string): Picodollars {
  const match = /^(-)?(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!match) throw new Error(`not a USD amount: "${text}"`);
  const [, sign, whole, fraction = ""] = match;
  if (fraction.length > SCALE_DIGITS && /[1-9]/.test(fraction.slice(SCALE_DIGITS))) {
    throw new Error(`USD amount "${text}" is finer than a picodollar`);
  }
  const value = BigInt(whole!) * 10n ** BigInt(SCALE_DIGITS) + BigInt(fraction.padEnd(SCALE_DIGITS, "0").slice(0, SCALE_DIGITS));
  return sign ? -value : value;
}

/** For display only: dollars rounded half away from zero to `places` decimals. */
export function displayUsd(amount: Picodollars, places = 4): string {
  const unit = 10n ** BigInt(SCALE_DIGITS - places);
  const magnitude = amount < 0n ? -amount : amount;
  const rounded = ((magnitude + unit / 2n) / unit) * unit;
  const text = formatUsd(amount < 0n ? -rounded : rounded);
  return text.slice(0, text.length - (SCALE_DIGITS - places)).replace(/\.$/, "");
}
