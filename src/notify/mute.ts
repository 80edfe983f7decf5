import { silenceMatches, silencedBy, type Labels, type Matcher, type MatcherName, type Silence } from '../domain/silence.js';
import type { Notification } from './notification.js';

/** Alertmanager's inhibition: while a source problem holds, targets sharing its `equal` labels say nothing on their own. */
export interface InhibitRule {
  source_matchers: Matcher[];
  target_matchers: Matcher[];
  equal: MatcherName[];
}

/** Why a notice is held back, or undefined when it may go out. */
export type MuteReason = { silenced_by: string[] } | { inhibited_by: string };

/**
 * Whether a notice is muted: by an active silence (one its sender named, or one matching its
 * labels), or by an inhibition rule whose source is among the problems holding now (by key;
 * a notice never inhibits itself).
 */
export function muteReason(notice: Notification, active: readonly Silence[], rules: readonly InhibitRule[], problems: ReadonlyMap<string, Labels>): MuteReason | undefined {
  if (notice.state === 'digest') return undefined;
  const named = notice.silenced_by?.filter((id) => active.some((s) => s.id === id)) ?? [];
  const labels = notice.labels;
  const matched = labels ? silencedBy(active, labels) : [];
  if (named.length + matched.length > 0) return { silenced_by: [...new Set([...named, ...matched])] };
  if (!labels) return undefined;
  for (const rule of rules) {
    if (!silenceMatches({ matchers: rule.target_matchers }, labels)) continue;
    for (const [key, source] of problems) {
      if (key === notice.key || !silenceMatches({ matchers: rule.source_matchers }, source)) continue;
      if (rule.equal.every((name) => (source[name] ?? '') === (labels[name] ?? ''))) return { inhibited_by: key };
    }
  }
  return undefined;
}
