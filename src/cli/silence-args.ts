import { MATCHER_NAMES, type Matcher, type MatcherName } from '../domain/silence.js';

/**
 * `agent=trade_executor`, `kind!=trend`, `agent=~batch_.*`, `severity!~info|warning`: a matcher
 * as people write it (Alertmanager's amtool syntax). Undefined when it is none of those.
 */
export function parseMatcherArg(text: string): Matcher | undefined {
  const m = /^([a-z]+)(=~|!~|!=|=)(.*)$/s.exec(text);
  if (!m || !(MATCHER_NAMES as readonly string[]).includes(m[1]!)) return undefined;
  const op = m[2]!;
  return { name: m[1] as MatcherName, value: m[3]!, isRegex: op.endsWith('~'), isEqual: op.startsWith('=') };
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `30m`, `2h`, `1h30m`, `1d`: a duration in milliseconds; undefined when malformed or zero. */
export function parseDuration(text: string): number | undefined {
  if (!/^(\d+[smhdw])+$/.test(text)) return undefined;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+)([smhdw])/g)) total += Number(amount) * UNIT_MS[unit!]!;
  return total > 0 && Number.isSafeInteger(total) ? total : undefined;
}
