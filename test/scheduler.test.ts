import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../src/logger.js';
import { createScheduler, type Job } from '../src/scheduler/scheduler.js';
import { createTestApp } from './helpers/app.js';
import { createFakeClock } from './helpers/clock.js';

const settle = () => new Promise((resolve) => setImmediate(resolve));

function setup(jobs: Job[]) {
  const clock = createFakeClock();
  const scheduler = createScheduler({ jobs, clock, logger: silentLogger(), useCron: false });
  return { clock, scheduler };
}

describe('scheduler', () => {
  it('runs each job when its interval has passed, and jobs with firstRunAfterSeconds 0 at once', async () => {
    const runs: string[] = [];
    const { clock, scheduler } = setup([
      { name: 'fast', intervalSeconds: 30, firstRunAfterSeconds: 0, run: async () => runs.push('fast') },
      { name: 'slow', intervalSeconds: 300, run: async () => runs.push('slow') },
    ]);
    scheduler.start();
    await settle();
    expect(runs).toEqual(['fast']);
    clock.advance(29_000);
    scheduler.tick();
    await settle();
    expect(runs).toEqual(['fast']);
    clock.advance(1_000);
    scheduler.tick();
    await settle();
    expect(runs).toEqual(['fast', 'fast']);
    clock.advance(270_000);
    scheduler.tick();
    await settle();
    expect(runs).toEqual(['fast', 'fast', 'fast', 'slow']);
  });

  it('runs a job with a first-run delay that long after start, then on its interval', async () => {
    const runs: number[] = [];
    const { clock, scheduler } = setup([{ name: 'reports', intervalSeconds: 300, firstRunAfterSeconds: 15, run: async () => void runs.push(clock.now()) }]);
    const started = clock.now();
    scheduler.start();
    clock.advance(14_000);
    scheduler.tick();
    await settle();
    expect(runs).toEqual([]);
    clock.advance(1_000);
    scheduler.tick();
    await settle();
    clock.advance(300_000);
    scheduler.tick();
    await settle();
    expect(runs.map((t) => (t - started) / 1000)).toEqual([15, 315]);
  });

  it('runs a requested job after the one in progress, once for every request made meanwhile', async () => {
    let runs = 0;
    let release: () => void = () => undefined;
    const { scheduler } = setup([
      {
        name: 'analysis',
        intervalSeconds: 300,
        run: () => new Promise<number>((resolve) => (release = () => resolve((runs += 1)))),
      },
    ]);
    const first = scheduler.runNow('analysis');
    const waiting = [scheduler.runNow('analysis'), scheduler.runNow('analysis'), scheduler.runNow('analysis')];
    release();
    expect(await first).toBe(1);
    await settle();
    release();
    expect(await Promise.all(waiting)).toEqual([2, 2, 2]);
    expect(scheduler.status()[0]).toMatchObject({ runs: 2 });
    const later = scheduler.runNow('analysis'); // nothing in progress: a run of its own, at once
    release();
    expect(await later).toBe(3);
  });

  it('keeps a 2 s job on a 2 s beat when the per-second tick fires a few ms late', async () => {
    let runs = 0;
    const { clock, scheduler } = setup([{ name: 'health', intervalSeconds: 2, firstRunAfterSeconds: 0, run: async () => void (runs += 1) }]);
    scheduler.start(); // this run started 12 ms after the second, the next tick comes on time
    await settle();
    for (const step of [988, 1_000, 1_000, 1_000]) {
      clock.advance(step);
      scheduler.tick();
      await settle();
    }
    expect(runs).toBe(3);
  });

  it('keeps the schedule after a run throws, and records the error', async () => {
    let calls = 0;
    const { clock, scheduler } = setup([
      {
        name: 'flaky',
        intervalSeconds: 10,
        firstRunAfterSeconds: 0,
        run: async () => {
          calls += 1;
          if (calls === 1) throw new Error('database locked');
        },
      },
    ]);
    scheduler.start();
    await settle();
    expect(scheduler.status()[0]).toMatchObject({ runs: 1, failures: 1, last_outcome: 'error', last_error: 'database locked' });
    clock.advance(10_000);
    scheduler.tick();
    await settle();
    expect(calls).toBe(2);
    expect(scheduler.status()[0]).toMatchObject({ runs: 2, failures: 1, last_outcome: 'success', last_error: null });
  });

  it('never overlaps a run with itself', async () => {
    let release!: () => void;
    let started = 0;
    const { clock, scheduler } = setup([
      {
        name: 'slow',
        intervalSeconds: 1,
        firstRunAfterSeconds: 0,
        run: () => {
          started += 1;
          return new Promise<void>((resolve) => (release = resolve));
        },
      },
    ]);
    scheduler.start();
    for (let i = 0; i < 5; i++) {
      clock.advance(1_000);
      scheduler.tick();
    }
    await settle();
    expect(started).toBe(1);
    expect(scheduler.status()[0]!.running).toBe(true);
    release();
    await settle();
    scheduler.tick();
    await settle();
    expect(started).toBe(2);
  });

  it('stops really: no run after stop, and start resumes', async () => {
    let runs = 0;
    const { clock, scheduler } = setup([{ name: 'job', intervalSeconds: 5, firstRunAfterSeconds: 0, run: async () => void (runs += 1) }]);
    scheduler.start();
    await settle();
    scheduler.stop();
    clock.advance(60_000);
    scheduler.tick();
    await settle();
    expect(runs).toBe(1);
    expect(scheduler.status()[0]!.next_run_at).toBeNull();
    scheduler.start();
    await settle();
    expect(runs).toBe(2); // a job due at start runs again on restart
    clock.advance(4_000);
    scheduler.tick();
    await settle();
    expect(runs).toBe(2);
    clock.advance(1_000);
    scheduler.tick();
    await settle();
    expect(runs).toBe(3);
  });

  it('shows every job of the meta agent with its last run in /api/meta-agent/health', async () => {
    const t = createTestApp();
    t.agent.scheduler.start();
    await t.agent.scheduler.runNow('health');
    const health = await t.get('/api/meta-agent/health');
    const jobs = Object.fromEntries(health.body.data.jobs.map((j: any) => [j.name, j]));
    expect(Object.keys(jobs).sort()).toEqual(['analysis', 'coordination', 'health', 'predictive', 'registry', 'reports', 'retention']);
    expect(jobs.health).toMatchObject({ interval_seconds: 30, last_outcome: 'success', last_error: null });
    expect(jobs.health.runs).toBeGreaterThanOrEqual(1);
    expect(jobs.health.last_duration_ms).toEqual(expect.any(Number));
    expect(jobs.retention.interval_seconds).toBe(86400);
  });
});

describe('scheduler restarts', () => {
  it('keeps the rhythm: a job that ran is due one interval after its last start, not one interval after the restart', async () => {
    let runs = 0;
    const { clock, scheduler } = setup([{ name: 'analysis', intervalSeconds: 300, run: async () => void (runs += 1) }]);
    scheduler.start();
    clock.advance(300_000);
    scheduler.tick();
    await settle();
    expect(runs).toBe(1);
    clock.advance(200_000);
    scheduler.stop();
    scheduler.start();
    expect(scheduler.status()[0]!.next_run_at).toBe(new Date(clock.now() + 100_000).toISOString());
  });

  it('logs node-cron\'s own notices as JSON through the service log, never as coloured console lines', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'debug' }, new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) }));
    const consoleCalls = (['log', 'info', 'warn', 'error', 'debug'] as const).map((method) => vi.spyOn(console, method).mockImplementation(() => {}));
    const scheduler = createScheduler({ jobs: [{ name: 'noop', intervalSeconds: 3600, run: async () => undefined }], clock: createFakeClock(), logger, useCron: true });
    try {
      scheduler.start();
      await new Promise((resolve) => setTimeout(resolve, 1100));
      // A blocked event loop: node-cron misses the seconds it should have fired at.
      const until = Date.now() + 2500;
      while (Date.now() < until);
      await new Promise((resolve) => setTimeout(resolve, 1500));
    } finally {
      scheduler.stop();
      for (const call of consoleCalls) call.mockRestore();
    }
    expect(consoleCalls.flatMap((call) => call.mock.calls)).toEqual([]);
    const cron = lines.map((line) => JSON.parse(line)).filter((entry) => entry.source === 'node-cron');
    expect(cron.some((entry) => /missed execution/.test(entry.msg))).toBe(true);
  }, 10_000);
});
