import { median } from '../stats.js';
import type { Point } from '../series.js';
import { HOUR, DAY } from '../../domain/units.js';


/**
 * The daily rhythm of a metric: for each hour of the day (UTC), how far its typical value
 * sits from the overall typical value. Built from hourly means; needs at least two values
 * for 20 of the 24 hours, else there is no rhythm to remove (undefined).
 */
export function dailyProfile(hourly: readonly Point[]): ((t: number) => number) | undefined {
  const byHour: number[][] = Array.from({ length: 24 }, () => []);
  for (const p of hourly) byHour[Math.floor((p.t % DAY) / HOUR)]!.push(p.v);
  if (byHour.filter((values) => values.length >= 2).length < 20) return undefined;
  const overall = median(hourly.map((p) => p.v));
  const offsets = byHour.map((values) => (values.length > 0 ? median(values) - overall : 0));
  return (t) => offsets[Math.floor((((t % DAY) + DAY) % DAY) / HOUR)]!;
}

/** The points with the daily rhythm taken out. */
export function deseasonalise(points: readonly Point[], profile: ((t: number) => number) | undefined): Point[] {
  return profile ? points.map((p) => ({ t: p.t, v: p.v - profile(p.t) })) : [...points];
}

/** The daily rhythm learned from the hourly means before `before` (e.g. the start of a day). */
export function profileBefore(hourly: readonly Point[], before: number): ((t: number) => number) | undefined {
  let end = hourly.length;
  while (end > 0 && hourly[end - 1]!.t >= before) end -= 1;
  return dailyProfile(end === hourly.length ? hourly : hourly.slice(0, end));
}
