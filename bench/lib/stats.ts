/** Percentiles by nearest rank over a copy; NaN for no values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const median = (values: readonly number[]) => percentile(values, 50);

export const round = (value: number, digits = 2) => (Number.isFinite(value) ? Math.round(value * 10 ** digits) / 10 ** digits : value);

/** One line of the results table. */
export interface Row {
  figure: string;
  ours: number;
  unit: string;
  reference: number | null;
  referenceLabel: string | null;
  /** ours / reference, or reference / ours when lower is better; null without a reference. */
  ratio: number | null;
  target: string;
  pass: boolean;
  notes?: string;
}
