import { round } from '../domain/units.js';
import { Outcome } from '../domain/improvement.js';
import { mean } from '../analysis/series.js';

export interface OutcomeInput {
  metric: string;
  /** +1: higher is worse; −1: lower is worse. */
  badDirection: 1 | -1;
  before: readonly number[];
  after: readonly number[];
  /** Relative change that counts (e.g. 0.1). */
  minChange: number;
  /** Absolute change below which nothing counts (noise floor, in the metric's unit). */
  floor: number;
}

export interface OutcomeVerdict {
  outcome: Outcome;
  metric: string;
  before_mean: number | null;
  after_mean: number | null;
  change: number | null;
  relative_change: number | null;
  /** How many values each mean is over; for availability, the samples the agents sent. */
  samples_before: number;
  samples_after: number;
  /** For a problem that began after a version change: the metric's mean in the window before that change. */
  before_change_mean?: number;
  reason: string;
}

/**
 * Did the fix work? Compares the metric's mean in a window before the work began with one
 * after it was completed: improved when it moved the good way by at least minChange
 * (relative) and the floor (absolute), regressed when it moved the bad way as much, else no
 * effect. Without data after the change there is nothing to show an effect.
 */
export function judgeOutcome(input: OutcomeInput): OutcomeVerdict {
  const base = { metric: input.metric, samples_before: input.before.length, samples_after: input.after.length };
  if (input.after.length === 0 || input.before.length === 0) {
    return {
      ...base,
      outcome: Outcome.no_effect,
      before_mean: input.before.length ? mean(input.before) : null,
      after_mean: input.after.length ? mean(input.after) : null,
      change: null,
      relative_change: null,
      reason: input.after.length === 0 ? 'no samples after the change to judge by' : 'no samples before the change to compare with',
    };
  }
  const before = mean(input.before);
  const after = mean(input.after);
  const change = after - before;
  const relative = before !== 0 ? change / Math.abs(before) : change === 0 ? 0 : Math.sign(change);
  const worse = input.badDirection * change;
  const big = Math.abs(relative) >= input.minChange && Math.abs(change) >= input.floor;
  const outcome = !big ? Outcome.no_effect : worse > 0 ? Outcome.regressed : Outcome.improved;
  const pct = `${relative >= 0 ? '+' : ''}${Math.round(relative * 1000) / 10} %`;
  return {
    ...base,
    outcome,
    before_mean: before,
    after_mean: after,
    change,
    relative_change: relative,
    reason: `${input.metric} went from ${round(before)} to ${round(after)} (${pct})`,
  };
}

