import { toIso } from '../clock.js';
import type { SampleSource } from '../domain/enums.js';
import { parseSampleBatch, type AgentSample } from '../domain/sample.js';
import { validationFailed } from '../errors.js';
import type { ServiceDeps } from './deps.js';

export interface IngestResult {
  accepted: number;
  agents: string[];
}

export type IngestService = ReturnType<typeof createIngestService>;

export function createIngestService({ config, store, clock }: ServiceDeps) {
  const rawRetentionMs = config.retention.rawDays * 86_400_000;

  /** Stores already validated samples (collectors use this). */
  async function store_(samples: AgentSample[]): Promise<IngestResult> {
    await store.samples.insert(samples, toIso(clock.now()));
    return { accepted: samples.length, agents: [...new Set(samples.map((s) => s.agent_name))] };
  }

  return {
    /** Validates a `{samples: [...]}` batch and stores it whole, or throws listing every problem. */
    async ingest(body: unknown, source: SampleSource = 'push'): Promise<IngestResult> {
      const now = clock.now();
      const parsed = parseSampleBatch(
        body,
        { now, maxSamples: config.limits.maxBatchSamples, oldestAllowedMs: now - rawRetentionMs },
        source,
      );
      if (!parsed.ok) throw validationFailed(parsed.message, parsed.errors);
      return store_(parsed.samples);
    },
    storeSamples: store_,
  };
}
