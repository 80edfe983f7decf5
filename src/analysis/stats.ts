import type { Point } from './series.js';

/** Robust statistics for the detectors. Pure; inputs are never modified. */

export function median(values: readonly number[]): number {
  return medianInPlace(Float64Array.from(values));
}

/** Median absolute deviation; × 1.4826 estimates σ for normal noise. */
export function mad(values: readonly number[]): number {
  const m = median(values);
  return medianInPlace(Float64Array.from(values, (v) => Math.abs(v - m)));
}

/** The median of `buffer`, reordering it (linear time on average: selection, not a sort). */
export function medianInPlace(buffer: Float64Array): number {
  const n = buffer.length;
  if (n === 0) return NaN;
  const mid = n >> 1;
  const upper = select(buffer, mid);
  if (n % 2) return upper;
  // The lower middle is the largest value left of `mid` after selection.
  let lower = -Infinity;
  for (let i = 0; i < mid; i++) if (buffer[i]! > lower) lower = buffer[i]!;
  return (lower + upper) / 2;
}

/** Hoare's selection: the k-th smallest value, with smaller ones left of k and larger right. */
function select(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    const pivot = a[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const swap = a[i]!;
        a[i] = a[j]!;
        a[j] = swap;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a[k]!;
}

export const MAD_TO_SIGMA = 1.4826;

export interface Line {
  /** Per millisecond. */
  slope: number;
  /** Value at t = origin. */
  intercept: number;
  origin: number;
}

export const valueAt = (line: Line, t: number) => line.intercept + line.slope * (t - line.origin);

/**
 * Theil–Sen estimator: the median of all pairwise slopes, and the median intercept.
 * Robust to up to ~29 % outliers. O(n²): callers keep n to a few hundred.
 */
export function theilSen(points: readonly Point[]): Line | undefined {
  const n = points.length;
  if (n < 2) return undefined;
  const origin = points[0]!.t;
  const slopes: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dt = points[j]!.t - points[i]!.t;
      if (dt !== 0) slopes.push((points[j]!.v - points[i]!.v) / dt);
    }
  }
  if (slopes.length === 0) return undefined;
  const slope = median(slopes);
  const intercept = median(points.map((p) => p.v - slope * (p.t - origin)));
  return { slope, intercept, origin };
}

export interface MannKendall {
  s: number;
  z: number;
  /** Two-sided p-value of "no monotonic trend". */
  p: number;
}

/** Mann–Kendall trend test with the tie correction; values in time order. */
export function mannKendall(values: readonly number[]): MannKendall {
  const n = values.length;
  let s = 0;
  for (let i = 0; i < n - 1; i++) {
    for (let j = i + 1; j < n; j++) s += Math.sign(values[j]! - values[i]!);
  }
  const ties = new Map<number, number>();
  for (const v of values) ties.set(v, (ties.get(v) ?? 0) + 1);
  let tieTerm = 0;
  for (const count of ties.values()) if (count > 1) tieTerm += count * (count - 1) * (2 * count + 5);
  const variance = (n * (n - 1) * (2 * n + 5) - tieTerm) / 18;
  if (variance <= 0) return { s, z: 0, p: 1 };
  const z = s > 0 ? (s - 1) / Math.sqrt(variance) : s < 0 ? (s + 1) / Math.sqrt(variance) : 0;
  return { s, z, p: 2 * (1 - normalCdf(Math.abs(z))) };
}

/** Standard normal CDF (Abramowitz & Stegun 7.1.26, error < 1.5e-7). */
export function normalCdf(x: number): number {
  const t = 1 / (1 + 0.3275911 * (Math.abs(x) / Math.SQRT2));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-(x * x) / 2);
  return x >= 0 ? (1 + y) / 2 : (1 - y) / 2;
}

/** Share of the variance the line explains (R²), clipped to 0..1. */
export function fitQuality(points: readonly Point[], line: Line): number {
  const mean = points.reduce((sum, p) => sum + p.v, 0) / points.length;
  let total = 0;
  let residual = 0;
  for (const p of points) {
    total += (p.v - mean) ** 2;
    residual += (p.v - valueAt(line, p.t)) ** 2;
  }
  if (total === 0) return residual === 0 ? 1 : 0;
  return Math.min(1, Math.max(0, 1 - residual / total));
}

/** Pearson correlation of two equally long series; NaN when either is constant. */
export function correlation(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  if (n < 3) return NaN;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let cov = 0;
  let va = 0;
  let vb = 0;
  for (let i = 0; i < n; i++) {
    cov += (a[i]! - ma) * (b[i]! - mb);
    va += (a[i]! - ma) ** 2;
    vb += (b[i]! - mb) ** 2;
  }
  return va === 0 || vb === 0 ? NaN : cov / Math.sqrt(va * vb);
}

/** Means of the points in consecutive buckets of `bucketMs`, each at its bucket start. */
export function resample(points: readonly Point[], bucketMs: number): Point[] {
  const sums = new Map<number, { sum: number; n: number }>();
  for (const p of points) {
    const bucket = Math.floor(p.t / bucketMs) * bucketMs;
    const entry = sums.get(bucket);
    if (entry) {
      entry.sum += p.v;
      entry.n += 1;
    } else sums.set(bucket, { sum: p.v, n: 1 });
  }
  return [...sums.entries()].sort((a, b) => a[0] - b[0]).map(([t, { sum, n }]) => ({ t, v: sum / n }));
}
