import { lazyModule } from '../lazy-module.js';

/** Loaded at the first maintenance window, not at start. */
export const cron = lazyModule<typeof import('cron-parser')>('cron-parser');
import { SilenceOrigin, type Matcher, type Silence } from './silence.js';

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** When a window opens: a cron expression (5 fields), or weekdays and a time of day, in the window's time zone. */
export type WindowSchedule = { cron: string } | { weekdays: Weekday[]; time: string };

/** A recurring quiet time, e.g. "agents matching batch_.*, every day 02:00–02:20 Europe/London". */
export interface MaintenanceWindow {
  id: string;
  name: string;
  schedule: WindowSchedule;
  durationMinutes: number;
  /** An IANA time zone: the schedule is read in it, so a window keeps its local time across DST changes. */
  timeZone: string;
  matchers: Matcher[];
  comment: string;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export type MaintenanceWindowDraft = Pick<MaintenanceWindow, 'name' | 'schedule' | 'durationMinutes' | 'timeZone' | 'matchers' | 'comment' | 'createdBy'>;

/** The schedule as a cron expression: weekdays and a time become `MM HH * * d,d`. */
export function cronOf(schedule: WindowSchedule): string {
  if ('cron' in schedule) return schedule.cron;
  const [hours, minutes] = schedule.time.split(':').map(Number);
  return `${minutes} ${hours} * * ${schedule.weekdays.map((d) => WEEKDAYS.indexOf(d)).join(',')}`;
}

const MINUTE = 60_000;

const schedule = (window: Pick<MaintenanceWindow, 'schedule' | 'timeZone'>, from: number) =>
  cron().CronExpressionParser.parse(cronOf(window.schedule), { currentDate: new Date(from), tz: window.timeZone });

// Walking a schedule from a moment inside an hour a DST change skips can miss the start the same
// schedule, walked from before that hour, puts there: starts are found walking from this much earlier.
const BEFORE_ANY_GAP_MS = 3 * 3_600_000;
const MAX_STEPS = 1000;

/**
 * The occurrence going on at `now`, or undefined: the latest start not after now, if its span
 * covers now. Starts are found walking forward, as nextStart does, so a start in an hour a DST
 * change skips (01:30 on the spring-forward day in London) is where nextStart said it would be.
 */
export function currentOccurrence(window: Pick<MaintenanceWindow, 'schedule' | 'durationMinutes' | 'timeZone'>, now: number): { start: number; end: number } | undefined {
  const durationMs = window.durationMinutes * MINUTE;
  const walk = schedule(window, now - durationMs - BEFORE_ANY_GAP_MS);
  let start: number | undefined;
  for (let step = 0; step < MAX_STEPS; step++) {
    const next = walk.next().getTime();
    if (next > now) break;
    start = next;
    // A schedule that starts more often than this within the span (every minute for days) is covered all along.
    if (step === MAX_STEPS - 1) start = schedule(window, now + 1).prev().getTime();
  }
  return start !== undefined && now < start + durationMs ? { start, end: start + durationMs } : undefined;
}

/** The next start after `now`. */
export function nextStart(window: Pick<MaintenanceWindow, 'schedule' | 'timeZone'>, now: number): number {
  return schedule(window, now).next().getTime();
}

/** Whether the window starts exactly at `at` (walking as currentOccurrence does). */
export function startsAt(window: Pick<MaintenanceWindow, 'schedule' | 'timeZone'>, at: number): boolean {
  return currentOccurrence({ ...window, durationMinutes: 1 }, at)?.start === at;
}

/** Occurrence ids: the window's id and the start in epoch seconds. */
export const occurrenceId = (windowId: string, start: number) => `${windowId}:${Math.floor(start / 1000)}`;

export function parseOccurrenceId(id: string): { windowId: string; start: number } | undefined {
  const m = /^(.+):(\d{1,12})$/.exec(id);
  return m ? { windowId: m[1]!, start: Number(m[2]) * 1000 } : undefined;
}

/** An occurrence acts as, and is shown as, a silence. */
export function occurrenceSilence(window: MaintenanceWindow, occurrence: { start: number; end: number }): Silence {
  return {
    id: occurrenceId(window.id, occurrence.start),
    matchers: window.matchers,
    startsAt: new Date(occurrence.start).toISOString(),
    endsAt: new Date(occurrence.end).toISOString(),
    createdBy: window.createdBy,
    comment: `maintenance window ${window.name}: ${window.comment}`,
    origin: SilenceOrigin.window,
    updatedAt: window.updatedAt,
  };
}
