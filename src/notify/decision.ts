import { toIso } from '../clock.js';
import type { Severity } from '../domain/enums.js';
import { MINUTE } from '../domain/units.js';
import type { NotificationState } from '../store/store.js';
import { SEVERITY_RANK, type Notification } from './notification.js';

/** `muted`: held back by a silence or an inhibition rule, and decided again once that ends. */
export type Verdict = 'sent' | 'cooldown' | 'flapping' | 'unchanged' | 'muted';

export interface DecisionRules {
  cooldownMinutes: number;
  flapping: { changes: number; windowMinutes: number };
}

export interface Decision {
  verdict: Verdict;
  /** What to hand to the channels, if anything. */
  send?: Notification;
  /** The key's new state, to be stored (only if nobody else stored one since `previous` was read). */
  next?: NotificationState;
}

const initial = (key: string): NotificationState => ({ key, state: 'resolved', last_sent_at: null, changes: [], flapping: false });

/**
 * What to do with a notice, given its key's last stored state: announce it, hold it back
 * (cooldown, flapping), or ignore it. Pure: the caller stores `next` atomically and decides again
 * if another writer changed the state in between.
 */
export function decideNotification(notification: Notification, stored: NotificationState | undefined, now: number, rules: DecisionRules): Decision {
  const previous = stored ?? initial(notification.key);
  const wasProblem = previous.state.startsWith('problem');
  const isProblem = notification.state === 'problem';
  if (!isProblem && !wasProblem) return { verdict: 'unchanged' };
  const newState = isProblem ? `problem:${notification.severity}` : 'resolved';
  const changed = wasProblem !== isProblem;
  if (!changed) {
    const before = previous.state.split(':')[1] as Severity | undefined;
    const escalated = before !== undefined && SEVERITY_RANK[notification.severity] > SEVERITY_RANK[before];
    const quiet = previous.last_sent_at !== null && now - Date.parse(previous.last_sent_at) < rules.cooldownMinutes * MINUTE;
    if (quiet && !escalated) return { verdict: 'cooldown' };
  }
  const windowStart = now - rules.flapping.windowMinutes * MINUTE;
  const changes = [...previous.changes.filter((c) => Date.parse(c) >= windowStart), ...(changed ? [toIso(now)] : [])];
  const flapping = changes.length >= rules.flapping.changes;
  const next: NotificationState = { key: notification.key, state: newState, last_sent_at: previous.last_sent_at, changes, flapping };
  if (flapping) {
    if (previous.flapping) return { verdict: 'flapping', next };
    next.last_sent_at = toIso(now);
    return {
      verdict: 'sent',
      next,
      send: {
        ...notification,
        state: 'flapping',
        title: `Flapping: ${notification.title}`,
        text: `${notification.text}\n(changed state ${changes.length} times in ${rules.flapping.windowMinutes} min; further notices are held back until it settles)`,
      },
    };
  }
  next.last_sent_at = toIso(now);
  // "Resolved" goes where the problem went: at the problem's severity.
  const severity = isProblem ? notification.severity : ((previous.state.split(':')[1] as Severity | undefined) ?? notification.severity);
  return { verdict: 'sent', next, send: { ...notification, severity } };
}
