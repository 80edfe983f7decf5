import type { RE2JS } from 're2js';
import { lazyModule } from '../lazy-module.js';

const re2js = lazyModule<typeof import('re2js')>('re2js');

/**
 * Silences, in Alertmanager's v2 shape: matchers on labels, a time span, who and why. While
 * active, what they match is still recorded but announces nothing and raises no suggestion.
 */

/** The labels a silence can match; every finding, suggestion and notice carries them. */
export const MATCHER_NAMES = ['agent', 'metric', 'kind', 'severity', 'type'] as const;
export type MatcherName = (typeof MATCHER_NAMES)[number];

export interface Matcher {
  name: MatcherName;
  value: string;
  isRegex: boolean;
  /** false: the label must NOT match (Alertmanager's `!=` and `!~`). */
  isEqual: boolean;
}

/** A subject's labels; an absent label matches as the empty string, as in Alertmanager. */
export type Labels = Partial<Record<MatcherName, string>>;

export const SilenceState = { active: 'active', pending: 'pending', expired: 'expired' } as const;
export type SilenceState = (typeof SilenceState)[keyof typeof SilenceState];

/** Where a silence came from: a person, a deploy or restart event, or a maintenance window's occurrence. */
export const SilenceOrigin = { manual: 'manual', deploy: 'deploy', restart: 'restart', window: 'maintenance_window' } as const;
export type SilenceOrigin = (typeof SilenceOrigin)[keyof typeof SilenceOrigin];

export interface Silence {
  id: string;
  matchers: Matcher[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
  origin: SilenceOrigin;
  updatedAt: string;
}

/** A silence as shown: with its state at the time asked. */
export type SilenceView = Silence & { status: { state: SilenceState } };

/** The silence as a person or tool asks for it; the service adds id, origin and times. */
export type SilenceDraft = Pick<Silence, 'matchers' | 'startsAt' | 'endsAt' | 'createdBy' | 'comment'>;

/** One change to a silence, for the audit trail. */
export interface SilenceEvent {
  silence_id: string;
  action: 'created' | 'expired' | 'extended' | 'updated' | 'deleted';
  at: string;
  actor: string;
  reason: string | null;
}

export function silenceState(silence: Pick<Silence, 'startsAt' | 'endsAt'>, nowIso: string): SilenceState {
  if (silence.endsAt <= nowIso) return SilenceState.expired;
  return silence.startsAt > nowIso ? SilenceState.pending : SilenceState.active;
}

export const withState = (silence: Silence, nowIso: string): SilenceView => ({ ...silence, status: { state: silenceState(silence, nowIso) } });

/**
 * Regex values match the whole label, as Alertmanager anchors them, in RE2's syntax (Go's, as in
 * Alertmanager) and with RE2's linear-time matching: no pattern a person or tool sends can make
 * the matching, which runs on the main thread, take exponential or high polynomial time.
 * Throws on a pattern RE2 cannot parse.
 */
export const compileMatcherRegex = (value: string): RE2JS => re2js().RE2JS.compile(`^(?:${value})$`);

const regexCache = new Map<string, RE2JS>();
function regexOf(value: string): RE2JS {
  let regex = regexCache.get(value);
  if (!regex) {
    if (regexCache.size > 10_000) regexCache.clear();
    regexCache.set(value, (regex = compileMatcherRegex(value)));
  }
  return regex;
}

export function matcherMatches(matcher: Matcher, labels: Labels): boolean {
  const label = labels[matcher.name] ?? '';
  const hit = matcher.isRegex ? regexOf(matcher.value).matches(label) : label === matcher.value;
  return hit === matcher.isEqual;
}

/** Every matcher holds. */
export const silenceMatches = (silence: Pick<Silence, 'matchers'>, labels: Labels) => silence.matchers.every((m) => matcherMatches(m, labels));

/** Ids of the given (active) silences that match the labels. */
export function silencedBy(active: readonly Silence[], labels: Labels): string[] {
  const ids: string[] = [];
  for (const silence of active) if (silenceMatches(silence, labels)) ids.push(silence.id);
  return ids;
}

/** `agent=x`, `kind!~trend|leak`: a matcher as people write it (the CLI and logs). */
export function formatMatcher(m: Matcher): string {
  const op = m.isRegex ? (m.isEqual ? '=~' : '!~') : m.isEqual ? '=' : '!=';
  return `${m.name}${op}${m.value}`;
}
