import { CronExpressionParser } from 'cron-parser';
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

/** The latest start at or before `at`. */
export function previousStart(window: Pick<MaintenanceWindow, 'schedule' | 'timeZone'>, at: number): number {
  // prev() answers starts strictly before its date: a start exactly at `at` counts too.
  return CronExpressionParser.parse(cronOf(window.schedule), { currentDate: new Date(at + 1), tz: window.timeZone }).prev().getTime();
}

/** The occurrence going on at `now` (the latest start not after it, if it has not ended), or undefined. */
export function currentOccurrence(window: Pick<MaintenanceWindow, 'schedule' | 'durationMinutes' | 'timeZone'>, now: number): { start: number; end: number } | undefined {
  const start = previousStart(window, now);
  const end = start + window.durationMinutes * MINUTE;
  return now < end ? { start, end } : undefined;
}

/** The next start after `now`. */
export function nextStart(window: Pick<MaintenanceWindow, 'schedule' | 'timeZone'>, now: number): number {
  return CronExpressionParser.parse(cronOf(window.schedule), { currentDate: new Date(now), tz: window.timeZone }).next().getTime();
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
