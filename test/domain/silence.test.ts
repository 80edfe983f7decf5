import { describe, expect, it } from 'vitest';
import { silenceMatches, silenceState, type Matcher } from '../../src/domain/silence.js';
import { regexProblem } from '../../src/inputs/silence.js';
import { parseDuration, parseMatcherArg } from '../../src/cli/silence-args.js';

const m = (name: Matcher['name'], value: string, isRegex = false, isEqual = true): Matcher => ({ name, value, isRegex, isEqual });
const labels = { agent: 'batch_loader', metric: 'response_time', kind: 'threshold', severity: 'warning', type: 'performance' };

describe('silence matchers', () => {
  it.each([
    [[m('agent', 'batch_loader')], true],
    [[m('agent', 'batch_')], false],
    [[m('agent', 'batch_.*', true)], true],
    // Regexes are anchored: a part of the label is not enough.
    [[m('agent', 'batch', true)], false],
    [[m('agent', 'batch_loader', false, false)], false],
    [[m('kind', 'trend|leak', true, false)], true],
    [[m('metric', 'response_time'), m('severity', 'critical')], false],
    [[m('type', 'performance'), m('severity', 'warning|critical', true)], true],
  ])('%j against a threshold finding of batch_loader: %s', (matchers, expected) => {
    expect(silenceMatches({ matchers }, labels)).toBe(expected);
  });

  it('matches an absent label as the empty string, as Alertmanager does', () => {
    expect(silenceMatches({ matchers: [m('type', '')] }, { agent: 'a' })).toBe(true);
    expect(silenceMatches({ matchers: [m('type', 'performance', false, false)] }, { agent: 'a' })).toBe(true);
    expect(silenceMatches({ matchers: [m('agent', '.+', true)] }, { agent: '' })).toBe(false);
  });

  it('is active from startsAt (inclusive) to endsAt (exclusive)', () => {
    const s = { startsAt: '2026-12-03T10:00:00.000Z', endsAt: '2026-12-03T11:00:00.000Z' };
    expect(silenceState(s, '2026-12-03T09:59:59.999Z')).toBe('pending');
    expect(silenceState(s, '2026-12-03T10:00:00.000Z')).toBe('active');
    expect(silenceState(s, '2026-12-03T10:59:59.999Z')).toBe('active');
    expect(silenceState(s, '2026-12-03T11:00:00.000Z')).toBe('expired');
  });
});

describe('regular expressions that would stall a backtracking engine', () => {
  // Each of these takes seconds to minutes with JavaScript's RegExp on a 64-character name.
  it.each(['(a+)+y', '(a|aa)*y', '.*.*.*.*.*.*.*.*x', '[]|(a+)+y|[]', '\\w*\\w*\\w*\\w*\\w*\\w*\\w*\\w*!'])('match %s in linear time', (pattern) => {
    const started = performance.now();
    expect(silenceMatches({ matchers: [m('agent', pattern, true)] }, { agent: 'a'.repeat(64) })).toBe(false);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('refuses what RE2 cannot parse, naming why', () => {
    expect(regexProblem('(a')).toMatch(/missing closing \)/);
    expect(regexProblem('(?<=a)b')).toMatch(/RE2 syntax/);
    expect(regexProblem('batch_(loader|writer)')).toBeUndefined();
  });
});

describe('the CLI matcher and duration syntax', () => {
  it.each([
    ['agent=trade_executor', m('agent', 'trade_executor')],
    ['kind!=trend', m('kind', 'trend', false, false)],
    ['agent=~batch_.*', m('agent', 'batch_.*', true)],
    ['severity!~info|warning', m('severity', 'info|warning', true, false)],
    ['metric=a=b', m('metric', 'a=b')],
  ])('reads %s', (text, expected) => expect(parseMatcherArg(text)).toEqual(expected));

  it('refuses unknown names and shapes', () => {
    expect(parseMatcherArg('host=x')).toBeUndefined();
    expect(parseMatcherArg('agent')).toBeUndefined();
  });

  it.each([['30m', 1_800_000], ['1h30m', 5_400_000], ['90s', 90_000], ['1d', 86_400_000], ['0m', undefined], ['30', undefined], ['m', undefined]])('%s is %s ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });
});
