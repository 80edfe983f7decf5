import { describe, expect, it } from 'vitest';
import { scoreAnomalies } from '../../src/analysis/detectors/anomalies.js';
import { forecastCrossing } from '../../src/analysis/detectors/forecasts.js';
import { assessLeak } from '../../src/analysis/detectors/leaks.js';
import { detectBreaches, thresholdRules } from '../../src/analysis/detectors/threshold-breaches.js';
import { assessTrend } from '../../src/analysis/detectors/trends.js';
import { seededRandom } from '../../scripts/demo/fleet.js';
import type { Point } from '../../src/analysis/series.js';
import { defaultConfig } from '../../src/config.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.parse('2026-11-20T00:00:00Z');
const noise = seededRandom(7);
const jitter = (spread: number) => (noise() * 2 - 1) * spread;

/** `hours` of 5-minute points from T0. */
function series(hours: number, f: (t: number, i: number) => number, stepMs = 5 * MIN): Point[] {
  return Array.from({ length: Math.round((hours * HOUR) / stepMs) }, (_, i) => ({ t: T0 + i * stepMs, v: f(T0 + i * stepMs, i) }));
}
const daily = (t: number) => Math.sin((2 * Math.PI * (t - T0)) / (24 * HOUR));
const thresholds = defaultConfig().thresholds;
const opts = { hysteresis: 0.1, minPoints: 3, minDurationMs: 2 * MIN };

describe('threshold breaches', () => {
  const rule = thresholdRules(thresholds, 0.1).find((r) => r.metric === 'response_time')!;
  const points = (values: number[]) => values.map((v, i) => ({ t: T0 + i * 30_000, v }));

  it('ignores a single spike', () => {
    expect(detectBreaches(points([5, 5, 90, 5, 5]), rule, opts)).toEqual([]);
  });

  it('finds a sustained breach and keeps it open inside the hysteresis band', () => {
    const [episode] = detectBreaches(points([5, 35, 40, 29, 28, 36, 5, 5]), rule, opts);
    expect(episode).toMatchObject({ points: 5, worst: 40, active: false, startedAt: T0 + 30_000, endedAt: T0 + 150_000 });
  });

  it('reports a breach still going at the end as active', () => {
    const [episode] = detectBreaches(points([5, 31, 32, 33, 34, 35]), rule, opts);
    expect(episode).toMatchObject({ active: true, latest: 35, points: 5 });
  });

  it('treats success rate as a lower bound, clearing at 0.82 for a 0.8 threshold', () => {
    const sr = thresholdRules(thresholds, 0.1).find((r) => r.metric === 'success_rate')!;
    expect(sr.clearAt).toBeCloseTo(0.82, 9);
    const [episode] = detectBreaches(points([0.95, 0.7, 0.6, 0.81, 0.7, 0.75, 0.9]), sr, opts);
    expect(episode).toMatchObject({ points: 5, worst: 0.6, active: false });
  });
});

describe('trends', () => {
  it('finds a rising response time over a day despite noise', () => {
    const points = series(24, (_, i) => 5 + i * 0.02 + jitter(0.5));
    const trend = assessTrend(points, [], 'response_time', 24 * HOUR, 0.01)!;
    expect(trend.slopePerHour).toBeCloseTo(0.24, 1);
    expect(trend.p).toBeLessThan(1e-6);
  });

  it('finds nothing in a full day of daily rhythm, nor in a good-direction change', () => {
    expect(assessTrend(series(24, (t) => 5 + 1.5 * daily(t) + jitter(0.2)), [], 'response_time', 24 * HOUR, 0.01)).toBeUndefined();
    expect(assessTrend(series(24, (_, i) => 20 - i * 0.05), [], 'response_time', 24 * HOUR, 0.01)).toBeUndefined();
  });

  it('treats falling success rate as bad', () => {
    const trend = assessTrend(series(24, (_, i) => 0.99 - i * 0.0005), [], 'success_rate', 24 * HOUR, 0.01);
    expect(trend?.change).toBeLessThan(-0.1);
  });
});

describe('anomalies', () => {
  const flaggedTimes = (scored: { t: number; score: number }[]) => scored.filter((s) => s.score >= 5).map((s) => s.t);

  it('flags a value past anything of the two days before, and scores only on earlier data', () => {
    const points = series(4 * 24, (t) => 10 + 3 * daily(t) + jitter(0.3));
    const spikeIndex = points.length - 6;
    points[spikeIndex]!.v += 20;
    const evaluateFrom = points[points.length - 24]!.t;
    const scored = scoreAnomalies(points, 'response_time', evaluateFrom, 5);
    expect(flaggedTimes(scored)).toEqual([points[spikeIndex]!.t]);

    // Causal: changing a later point does not change an earlier score.
    const later = points.map((p) => ({ ...p }));
    later[later.length - 1]!.v += 100;
    const again = scoreAnomalies(later, 'response_time', evaluateFrom, 5);
    expect(again.find((s) => s.t === points[spikeIndex]!.t)!.score).toBe(scored.find((s) => s.t === points[spikeIndex]!.t)!.score);
  });

  it('keeps the normal range of a rate inside 0-100 %', () => {
    const points = series(2 * 24, () => 0.97 + jitter(0.01));
    points[points.length - 3]!.v = 0.4;
    const scored = scoreAnomalies(points, 'success_rate', points[points.length - 12]!.t, 5);
    expect(flaggedTimes(scored)).toEqual([points[points.length - 3]!.t]);
    expect(Math.max(...scored.map((s) => s.upper))).toBeLessThanOrEqual(1);
    expect(Math.min(...scored.map((s) => s.lower))).toBeGreaterThanOrEqual(0);
  });

  it('leaves alone healthy series with a daily or an hourly rhythm', () => {
    const dailyRhythm = series(3 * 24, (t) => 10 + 3 * daily(t) + jitter(0.6));
    expect(flaggedTimes(scoreAnomalies(dailyRhythm, 'response_time', dailyRhythm[dailyRhythm.length - 48]!.t, 5))).toEqual([]);
    const hourly = (t: number) => Math.sin((2 * Math.PI * (t - T0)) / HOUR);
    const hourlyRhythm = series(3 * 24, (t) => 2 * (1 + 0.45 * hourly(t)) + jitter(0.05));
    expect(flaggedTimes(scoreAnomalies(hourlyRhythm, 'response_time', hourlyRhythm[hourlyRhythm.length - 72]!.t, 5))).toEqual([]);
  });

  it("finds a collapse of CPU (a hang) and a jump on a small scale, judged on the series' own spread", () => {
    const collapse = series(3 * 24, () => 40 + jitter(3));
    for (let i = collapse.length - 4; i < collapse.length; i++) collapse[i]!.v = 1;
    // Its start: the new level is judged against what came before it, which by then includes the collapse.
    expect(flaggedTimes(scoreAnomalies(collapse, 'cpu_usage', collapse[collapse.length - 12]!.t, 5))).toEqual([collapse[collapse.length - 4]!.t]);
    const small = series(3 * 24, () => 0.5 + jitter(0.05));
    small[small.length - 2]!.v = 4; // 0.5 % of a core to 4 %: far below any absolute floor
    expect(flaggedTimes(scoreAnomalies(small, 'cpu_usage', small[small.length - 12]!.t, 5))).toEqual([small[small.length - 2]!.t]);
  });

  it('does not call a falling memory (a restart) or a falling error rate anomalous', () => {
    const memory = series(3 * 24, () => 500 + jitter(10));
    memory[memory.length - 2]!.v = 100;
    expect(flaggedTimes(scoreAnomalies(memory, 'memory_usage', memory[memory.length - 12]!.t, 5))).toEqual([]);
  });
});

describe('forecasts', () => {
  it('projects when a climbing response time crosses its threshold', () => {
    const now = T0 + 6 * HOUR;
    const points = series(6, (_, i) => 10 + (i * 2) / 12 + jitter(0.2)); // +2 s per hour, 22 s at 6 h
    const forecast = forecastCrossing(points, [], 'response_time', 30, now, 24 * HOUR)!;
    expect((forecast.crossingAt - now) / HOUR).toBeCloseTo(4, 0);
    expect(forecast.confidence).toBeGreaterThan(0.8);
  });

  it('stays silent for a flat series and for one already past the threshold', () => {
    const now = T0 + 6 * HOUR;
    expect(forecastCrossing(series(6, () => 10 + jitter(1)), [], 'response_time', 30, now, 24 * HOUR)).toBeUndefined();
    expect(forecastCrossing(series(6, (_, i) => 35 + i * 0.1), [], 'response_time', 30, now, 24 * HOUR)).toBeUndefined();
  });

  it('predicts a breach at the daily peak once the rhythm is known', () => {
    const history = series(4 * 24, (t) => 60 + 25 * daily(t), HOUR);
    const now = T0 + 4 * 24 * HOUR;
    const recent = series(4 * 24, (t) => 60 + 25 * daily(t)).filter((p) => p.t >= now - 6 * HOUR);
    const forecast = forecastCrossing(recent, history, 'cpu_usage', 80, now, 24 * HOUR);
    expect(forecast).toBeDefined();
    expect((forecast!.crossingAt - now) / HOUR).toBeLessThan(6);
  });
});

describe('memory leaks', () => {
  it('finds steady growth', () => {
    const leak = assessLeak(series(12, (_, i) => 500 + i * 2 + jitter(3)))!;
    expect(leak.slopePerHour).toBeCloseTo(24, 0);
    expect(leak.restarts).toBe(0);
  });

  it('tells a restart that keeps growing back (a leak) from a fix (flat after the restart)', () => {
    const sawtooth = series(12, (_, i) => 400 + (i % 48) * 5 + jitter(2));
    const masked = assessLeak(sawtooth)!;
    expect(masked.restarts).toBe(2);
    expect(masked.maskedByRestarts).toBe(true);

    const fixed = series(12, (_, i) => (i < 72 ? 400 + i * 5 : 400 + jitter(2)));
    expect(assessLeak(fixed)).toBeUndefined();
  });

  it('ignores flat noisy memory', () => {
    expect(assessLeak(series(12, () => 800 + jitter(20)))).toBeUndefined();
  });
});
