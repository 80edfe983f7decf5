import type { Role } from '../auth/roles.js';
import { toIso } from '../clock.js';
import type { AgentSample, SampleLimits } from '../domain/sample.js';
import type { StreamAdvance } from '../domain/otlp-stream.js';
import { AppError, ErrorCode } from '../errors.js';
import type { ServiceDeps } from './deps.js';
import { DAY } from '../domain/units.js';

export interface IngestResult {
  accepted: number;
  agents: string[];
}

export interface Reporter {
  /** The caller's role: agent-role callers may register only so many new agents a day. */
  role?: Role | undefined;
}


export type IngestService = ReturnType<typeof createIngestService>;

export function createIngestService({ config, store, clock }: ServiceDeps) {
  const rawRetentionMs = config.retention.rawDays * DAY;
  const maxNewPerDay = config.registry.maxNewAgentsPerDay;

  /** Stores already validated samples (collectors use this). */
  async function store_(samples: AgentSample[], streams?: readonly StreamAdvance[]): Promise<IngestResult> {
    await store.samples.insert(samples, toIso(clock.now()), streams ? { streams } : {});
    return { accepted: samples.length, agents: [...new Set(samples.map((s) => s.agent_name))] };
  }

  /**
   * A leaked or buggy agent token must not grow the registry without end (names with a pid or a
   * timestamp in them): beyond the daily number of new names, the batch is refused whole.
   * The count is read before the insert, so concurrent batches may pass it by a little.
   */
  async function checkNewAgents(names: readonly string[], now: number): Promise<void> {
    const unknown = await store.agents.unknown(names);
    if (unknown.length === 0) return;
    const { count, earliest } = await store.agents.registeredSince(toIso(now - DAY));
    if (count + unknown.length <= maxNewPerDay) return;
    const retryAfter = earliest ? Math.max(1, Math.ceil((Date.parse(earliest) + DAY - now) / 1000)) : 3600;
    throw new AppError(
      ErrorCode.rateLimited,
      `Agent tokens may register at most ${maxNewPerDay} new agents per 24 hours (registry.maxNewAgentsPerDay); ` +
        `${count} were registered in the last 24 hours and this batch names ${unknown.length} more (e.g. "${unknown[0]}"). ` +
        'Nothing was stored; agents already registered can go on reporting.',
      { retryAfterSeconds: retryAfter },
    );
  }

  return {
    /** What a batch must satisfy now: its size, and the time range its samples may fall in. */
    limits(): SampleLimits {
      const now = clock.now();
      return { now, maxSamples: config.limits.maxBatchSamples, oldestAllowedMs: now - rawRetentionMs };
    },
    /**
     * Stores a validated batch whole, once the reporter may register the agents it names; with
     * the OpenTelemetry streams it was differenced from, if any (see SampleRepo.insert).
     */
    async ingest(samples: AgentSample[], reporter: Reporter = {}, options: { streams?: readonly StreamAdvance[] } = {}): Promise<IngestResult> {
      if (reporter.role === 'agent') await checkNewAgents([...new Set(samples.map((s) => s.agent_name))], clock.now());
      return store_(samples, options.streams);
    },
    storeSamples: (samples: AgentSample[]) => store_(samples),
  };
}
