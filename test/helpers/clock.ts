import type { Clock } from '../../src/clock.js';

export interface FakeClock extends Clock {
  advance(ms: number): void;
  set(iso: string): void;
}

/** A clock that moves only when told to. */
export function createFakeClock(startIso = '2026-11-25T12:00:00.000Z'): FakeClock {
  let now = Date.parse(startIso);
  return {
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
    set: (iso) => {
      now = Date.parse(iso);
    },
  };
}
