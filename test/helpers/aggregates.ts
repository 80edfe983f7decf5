import { expect } from 'vitest';

/**
 * Window aggregates as a store answers them against the same figures computed another way (SQL or
 * JS over the raw rows): the same agents, counts and totals exactly, means equal to `digits`
 * decimals of their ratio (sums are added up in another order).
 */
export function expectSameAggregates(actual: Map<string, unknown>, expected: Map<string, Record<string, number | null>>, context: string, digits: number): void {
  expect([...actual.keys()].sort(), context).toEqual([...expected.keys()].sort());
  for (const [agent, want] of expected) {
    const got = actual.get(agent) as Record<string, number | null>;
    for (const [key, value] of Object.entries(want)) {
      if (value === null || Number.isInteger(value)) expect(got[key], `${context} ${agent}.${key}`).toBe(value);
      else expect(got[key]! / value, `${context} ${agent}.${key}`).toBeCloseTo(1, digits);
    }
  }
}
