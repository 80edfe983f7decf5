/** Durations in milliseconds, and rounding for numbers people read: one definition each. */
export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** `value` to `digits` decimals (3 by default). */
export function round(value: number, digits = 3): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/**
 * Two different numbers written so that they read as different ("79.96 % below 80 %", never
 * "80 % below 80 %"): `format(value, digits)` gets up to four more decimals than `digits`.
 */
export function formatApart(value: number, other: number, format: (v: number, digits: number) => string, digits: number): [string, string] {
  let a = format(value, digits);
  let b = format(other, digits);
  for (let extra = 1; a === b && value !== other && extra <= 4; extra++) {
    a = format(value, digits + extra);
    b = format(other, digits + extra);
  }
  return [a, b];
}
