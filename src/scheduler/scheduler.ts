import cron, { type ScheduledTask } from 'node-cron';
import { toIso, type Clock } from '../clock.js';
import type { Leadership } from '../cluster/cluster.js';
import type { Logger } from '../logger.js';

/** A row of the job table; its name and result are types, so runNow('analysis') is typed. */
export interface Job<N extends string = string, R = unknown> {
  name: N;
  intervalSeconds: number;
  /** When the first run is due after start (0: at once); one interval when absent. */
  firstRunAfterSeconds?: number;
  run(): Promise<R>;
}

/** A row whose name stays a literal type. */
export const job = <const N extends string, R>(row: Job<N, R>): Job<N, R> => row;

type NameOf<J extends readonly Job[]> = J[number]['name'];
type ResultOf<J extends readonly Job[], N> = Awaited<ReturnType<Extract<J[number], { name: N }>['run']>>;

export interface JobStatus {
  name: string;
  interval_seconds: number;
  running: boolean;
  runs: number;
  failures: number;
  last_started_at: string | null;
  last_duration_ms: number | null;
  last_outcome: 'success' | 'error' | null;
  last_error: string | null;
  next_run_at: string | null;
}

export interface Scheduler<J extends readonly Job[] = readonly Job[]> {
  /** Starts the clock; jobs run when due. Idempotent. */
  start(): void;
  /** Stops scheduling; a run in progress finishes. Idempotent. */
  stop(): void;
  isActive(): boolean;
  /** Starts every job that is due now; the one-second cron tick calls this, tests call it directly. */
  tick(): void;
  /**
   * Runs a job now and resolves with its result: at once, or after the run in progress (one such
   * run shared by every caller meanwhile). On any replica: like a scheduled run it waits while
   * another replica runs the same job.
   */
  runNow<N extends NameOf<J>>(name: N): Promise<ResultOf<J, N>>;
  status(): JobStatus[];
  /** Stops and waits for runs in progress. */
  close(): Promise<void>;
}

interface JobState {
  job: Job;
  status: JobStatus;
  nextDueMs: number;
  current: Promise<unknown> | undefined;
  /** A requested run waiting for the current one to end; later requests share it. */
  queued: Promise<unknown> | undefined;
}

export interface SchedulerOptions<J extends readonly Job[]> {
  jobs: J;
  clock: Clock;
  logger: Logger;
  /** Only the leader of several replicas runs scheduled jobs, and every run, scheduled or asked for, is exclusive across them. */
  leadership?: Pick<Leadership, 'isLeader' | 'exclusive'>;
  /** Tests drive tick() themselves. */
  useCron?: boolean;
}

const TICK_SLACK_MS = 500;

/**
 * One cron task ticks every second and starts the jobs that are due, so any interval in
 * seconds works (not only divisors of a minute). A job never overlaps itself; an error
 * is logged and recorded, and the next run happens as usual.
 */
export function createScheduler<const J extends readonly Job[]>(options: SchedulerOptions<J>): Scheduler<J> {
  const { clock } = options;
  const log = options.logger.child({ module: 'scheduler' });
  const leadership = options.leadership ?? { isLeader: () => true, exclusive: (_name: string, work: () => Promise<unknown>) => work() };
  const isLeader = () => leadership.isLeader();
  const states = new Map<string, JobState>(
    options.jobs.map((job) => [
      job.name,
      {
        job,
        nextDueMs: 0,
        current: undefined,
        queued: undefined,
        status: {
          name: job.name,
          interval_seconds: job.intervalSeconds,
          running: false,
          runs: 0,
          failures: 0,
          last_started_at: null,
          last_duration_ms: null,
          last_outcome: null,
          last_error: null,
          next_run_at: null,
        },
      },
    ]),
  );
  let active = false;
  let task: ScheduledTask | undefined;

  function execute(state: JobState): Promise<unknown> {
    const started = clock.now();
    const startedHr = performance.now();
    state.status.running = true;
    state.status.last_started_at = toIso(started);
    state.nextDueMs = started + state.job.intervalSeconds * 1000;
    state.status.next_run_at = active ? toIso(state.nextDueMs) : null;
    const run = (async () => {
      try {
        const result = await leadership.exclusive(state.job.name, () => state.job.run());
        state.status.last_outcome = 'success';
        state.status.last_error = null;
        return result;
      } catch (error) {
        state.status.failures += 1;
        state.status.last_outcome = 'error';
        state.status.last_error = error instanceof Error ? error.message : String(error);
        log.error({ job: state.job.name, err: error }, 'job failed');
        throw error;
      } finally {
        state.status.runs += 1;
        state.status.running = false;
        state.status.last_duration_ms = Math.round((performance.now() - startedHr) * 10) / 10;
        state.current = undefined;
      }
    })();
    state.current = run;
    return run;
  }

  function tick(): void {
    if (!active || !isLeader()) return;
    const now = clock.now();
    for (const state of states.values()) {
      // Half a cron tick of slack: a tick that fired a few ms late must not push the next run
      // a whole second later (a 2 s job would drift to every 3 s under load).
      if (state.current || now < state.nextDueMs - TICK_SLACK_MS) continue;
      execute(state).catch(() => {
        // Recorded and logged in execute; a failed run never stops the schedule.
      });
    }
  }

  function stop(): void {
    if (!active) return;
    active = false;
    task?.destroy();
    task = undefined;
    for (const state of states.values()) state.status.next_run_at = null;
    log.info('monitoring stopped');
  }

  // node-cron would print coloured lines of its own to the console: every log line is JSON. A
  // missed second is no news (the next tick runs whatever is due), so it is debug.
  const cronLogger = {
    info: (message: string) => log.debug({ source: 'node-cron' }, message),
    warn: (message: string) => log.debug({ source: 'node-cron' }, message),
    error: (message: string | Error, err?: Error) => log.error({ source: 'node-cron', err: err ?? message }, String(message instanceof Error ? message.message : message)),
    debug: (message: string | Error) => log.debug({ source: 'node-cron' }, String(message instanceof Error ? message.message : message)),
  };

  return {
    start() {
      if (active) return;
      active = true;
      const now = clock.now();
      for (const state of states.values()) {
        // A restart keeps the rhythm: a job that ran before is due one interval after its last start.
        const last = state.status.last_started_at ? Date.parse(state.status.last_started_at) : undefined;
        const interval = state.job.intervalSeconds * 1000;
        state.nextDueMs = last !== undefined ? Math.max(now, last + interval) : now + (state.job.firstRunAfterSeconds ?? state.job.intervalSeconds) * 1000;
        state.status.next_run_at = toIso(state.nextDueMs);
      }
      if (options.useCron !== false) {
        task = cron.schedule('* * * * * *', tick, { name: 'meta-agent-scheduler', noOverlap: true, logger: cronLogger });
      }
      log.info({ jobs: [...states.keys()] }, 'monitoring started');
      tick();
    },
    stop,
    isActive: () => active,
    tick,
    async runNow<N extends NameOf<J>>(name: N): Promise<ResultOf<J, N>> {
      const state = states.get(name);
      if (!state) throw new Error(`no job named ${name}`);
      return (await runSoon(state)) as ResultOf<J, N>;
    },
    status: () => [...states.values()].map((s) => ({ ...s.status })),
    async close() {
      stop();
      await Promise.all([...states.values()].map((s) => s.current?.catch(() => undefined)));
    },
  };

  /** The one place runs are coalesced: a run after the current one, on fresher data, shared by every request made meanwhile. */
  function runSoon(state: JobState): Promise<unknown> {
    if (!state.current) return execute(state);
    state.queued ??= (async () => {
      while (state.current) await state.current.catch(() => undefined);
      state.queued = undefined;
      return execute(state);
    })();
    return state.queued;
  }
}
