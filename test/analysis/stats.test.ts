import { describe, expect, it } from 'vitest';
import { correlation, fitQuality, mad, mannKendall, median, normalCdf, resample, theilSen, valueAt } from '../../src/analysis/stats.js';

const line = (n: number, slope: number, intercept = 0, stepMs = 60_000) =>
  Array.from({ length: n }, (_, i) => ({ t: i * stepMs, v: intercept + slope * i * stepMs }));

describe('robust statistics', () => {
  it('median and MAD of known values', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(mad([1, 1, 2, 2, 4, 6, 9])).toBe(1);
  });

  it('Theil–Sen recovers a line through 25 % gross outliers', () => {
    const points = line(40, 2e-3, 10);
    for (let i = 0; i < 40; i += 4) points[i]!.v += 1000;
    const fit = theilSen(points)!;
    expect(fit.slope).toBeCloseTo(2e-3, 9);
    expect(valueAt(fit, 39 * 60_000)).toBeCloseTo(10 + 2e-3 * 39 * 60_000, 6);
  });

  it('Mann–Kendall: significant for a monotonic series, not for alternating noise', () => {
    expect(mannKendall(Array.from({ length: 30 }, (_, i) => i)).p).toBeLessThan(1e-6);
    expect(mannKendall(Array.from({ length: 30 }, (_, i) => (i % 2 ? 1 : -1))).p).toBeGreaterThan(0.5);
    expect(mannKendall([3, 3, 3, 3]).p).toBe(1);
  });

  it('normal CDF at known points', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.96)).toBeCloseTo(0.975, 4);
    expect(normalCdf(-1.96)).toBeCloseTo(0.025, 4);
  });

  it('R² is 1 on a perfect line and low on noise around a flat one', () => {
    const points = line(20, 1e-3, 5);
    expect(fitQuality(points, theilSen(points)!)).toBeCloseTo(1, 9);
    const flat = Array.from({ length: 20 }, (_, i) => ({ t: i, v: i % 2 }));
    expect(fitQuality(flat, { slope: 0, intercept: 0.5, origin: 0 })).toBe(0);
  });

  it('correlation and resampling', () => {
    expect(correlation([1, 2, 3, 4], [2, 4, 6, 8])).toBeCloseTo(1, 9);
    expect(correlation([1, 2, 3, 4], [8, 6, 4, 2])).toBeCloseTo(-1, 9);
    expect(resample([{ t: 0, v: 1 }, { t: 100, v: 3 }, { t: 300, v: 10 }], 200)).toEqual([
      { t: 0, v: 2 },
      { t: 200, v: 10 },
    ]);
  });
});

describe('median by selection', () => {
  it('agrees with sorting for odd and even lengths, ties and negative values', () => {
    const random = (() => {
      let x = 7;
      return () => ((x = (x * 16807) % 2147483647) / 2147483647);
    })();
    for (const n of [1, 2, 3, 10, 11, 576, 577]) {
      for (let trial = 0; trial < 20; trial++) {
        const values = Array.from({ length: n }, () => Math.round((random() - 0.5) * 20) || 0);
        const sorted = [...values].sort((a, b) => a - b);
        const expected = n % 2 ? sorted[n >> 1]! : (sorted[(n >> 1) - 1]! + sorted[n >> 1]!) / 2;
        expect(median(values)).toBe(expected);
      }
    }
    expect(median([])).toBeNaN();
  });
});
