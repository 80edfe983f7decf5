import { cron, WEEKDAYS, type MaintenanceWindowDraft, type Weekday, type WindowSchedule } from '../domain/maintenance-window.js';
import { objectInput } from './object-input.js';
import { parseMatchers, parseText } from './silence.js';
import { show } from './text.js';

const FIELDS = ['name', 'cron', 'weekdays', 'time', 'durationMinutes', 'timeZone', 'matchers', 'comment', 'createdBy'];
const MAX_DURATION_MINUTES = 7 * 24 * 60;
const MAX_GAP_MS = 366 * 24 * 3_600_000;
const MIN_GAP_MS = 5 * 60_000;

/**
 * A maintenance window as POST and PUT /api/meta-agent/maintenance-windows take it:
 * {name, cron | weekdays + time, durationMinutes, timeZone, matchers, comment, createdBy?},
 * every problem named by its field.
 */
export function parseMaintenanceWindow(body: unknown, caller: string, now: number): MaintenanceWindowDraft {
  const { input, fail, refuseIfAny } = objectInput(body, 'a maintenance window', FIELDS);
  const name = parseText(input.name, 'name', 100, true, fail, 'is required: a name people will recognise, e.g. nightly-batch-restart');
  const schedule = parseSchedule(input, now, fail);
  const duration = input.durationMinutes;
  if (typeof duration !== 'number' || !Number.isInteger(duration) || duration < 1 || duration > MAX_DURATION_MINUTES) {
    fail('durationMinutes', `must be a whole number of minutes from 1 to ${MAX_DURATION_MINUTES} (got ${show(duration)})`);
  }
  const timeZone = parseTimeZone(input.timeZone, fail);
  const matchers = parseMatchers(input.matchers, 'matchers', fail);
  const comment = parseText(input.comment, 'comment', 2000, true, fail);
  const createdBy = parseText(input.createdBy, 'createdBy', 128, false, fail) ?? caller;
  refuseIfAny();
  // Each part that is missing was reported, so past refuseIfAny every one is here.
  return { name: name!, schedule: schedule!, durationMinutes: duration as number, timeZone: timeZone!, matchers: matchers!, comment: comment!, createdBy };
}

function parseSchedule(input: Record<string, unknown>, now: number, fail: (field: string, message: string) => void): WindowSchedule | undefined {
  const hasCron = input.cron !== undefined && input.cron !== null;
  const hasDays = input.weekdays !== undefined || input.time !== undefined;
  if (hasCron === hasDays) {
    fail('cron', 'give either cron (e.g. "0 2 * * *") or weekdays and time (e.g. ["mon","fri"] and "02:00"), not both and not neither');
    return undefined;
  }
  if (hasCron) {
    if (typeof input.cron !== 'string' || input.cron.trim().split(/\s+/).length !== 5) {
      fail('cron', `must be a cron expression of 5 fields: minute hour day-of-month month day-of-week (got ${show(input.cron)})`);
      return undefined;
    }
    // Jenkins' H picks a different minute at every reading: a window would move while it is open.
    if (input.cron.split(/\s+/).some((field) => field.split(/[,/-]/).some((part) => /^H(\(.*\))?$/i.test(part)))) {
      fail('cron', 'uses H (a hashed, varying value): give the minute and hour');
      return undefined;
    }
    try {
      const walk = cron().CronExpressionParser.parse(input.cron, { strict: false, currentDate: new Date(now) });
      const next = walk.next().getTime();
      if (next - now > MAX_GAP_MS) {
        fail('cron', `next starts ${new Date(next).toISOString()}, more than a year ahead; a window must recur at least once a year`);
        return undefined;
      }
      if (walk.next().getTime() - next < MIN_GAP_MS) {
        fail('cron', 'starts more often than every 5 minutes; a maintenance window recurs at most that often (for longer quiet, use a silence)');
        return undefined;
      }
    } catch (error) {
      fail('cron', `is not a valid cron expression: ${(error as Error).message}`);
      return undefined;
    }
    return { cron: input.cron.trim() };
  }
  const weekdays = input.weekdays;
  let ok = true;
  if (!Array.isArray(weekdays) || weekdays.length === 0 || weekdays.some((d) => !(WEEKDAYS as readonly unknown[]).includes(d)) || new Set(weekdays).size !== weekdays.length) {
    fail('weekdays', `must be a non-empty list of different days among ${WEEKDAYS.join(', ')} (got ${show(JSON.stringify(weekdays))})`);
    ok = false;
  }
  if (typeof input.time !== 'string' || !/^([01]\d|2[0-3]):[0-5]\d$/.test(input.time)) {
    fail('time', `must be a time of day HH:MM from 00:00 to 23:59 (got ${show(input.time)})`);
    ok = false;
  }
  return ok ? { weekdays: weekdays as Weekday[], time: input.time as string } : undefined;
}

function parseTimeZone(value: unknown, fail: (field: string, message: string) => void): string | undefined {
  if (typeof value !== 'string' || value === '') {
    fail('timeZone', `is required: an IANA time zone such as Europe/London or UTC (got ${show(value)})`);
    return undefined;
  }
  try {
    return new Intl.DateTimeFormat('en', { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    fail('timeZone', `is not an IANA time zone such as Europe/London or UTC (got ${show(value)})`);
    return undefined;
  }
}
