import { stillAt, streamMoved, type StreamAdvance } from '../../domain/otlp-stream.js';
import { METRIC_FIELDS, type AgentSample } from '../../domain/sample.js';
import { addToSpan, type AgentSpan } from '../agent-span.js';
import type { Db } from './open-db.js';
import { createVersionLog } from './version-log.js';

export const STORED = ['agent_name', 'timestamp', ...METRIC_FIELDS, 'version', 'source'] as const;

/**
 * A write this small (single samples, a few at a time) is a "small" one: on the writer thread it
 * goes ahead of batches; while the thread is idle the main connection writes it itself.
 */
export const SMALL_WRITE_SAMPLES = 50;

/** One request's samples: stored together or not at all. */
export interface SampleWrite {
  samples: AgentSample[];
  receivedAt: string;
  /** False for a failed check: it registers the agent but is no sign of life. */
  alive: boolean;
  /** OpenTelemetry streams these samples were differenced from: stored with them, if still where they were read. */
  streams?: readonly StreamAdvance[];
}

/** What became of each write of a group: the id of its last row, or why it was refused. */
export type WriteOutcome = { lastId: number } | { error: { message: string; code?: string } };

/**
 * The write path of samples: the rows, the agents' registry spans and the version log, one
 * request at a time inside one transaction per group. A group commits once for every request
 * in it (a group commit), and each request is its own savepoint, so one that fails (a bad
 * row) is rolled back alone and the rest still commit. Used on the writer thread, or on the
 * main connection when there is none.
 */
export function createSampleInsert(db: Db, versionGeneration?: Int32Array) {
  // Positional parameters: binding by name costs a lookup per column, per row.
  const insertSample = db.prepare(`INSERT INTO agent_performance_history (${STORED.join(', ')}) VALUES (${STORED.map(() => '?').join(', ')})`);
  const upsertAgent = db.prepare(`INSERT INTO agents (name, first_seen, last_seen, registered_at, sample_count, input_tokens_total, output_tokens_total)
    VALUES (?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (name) DO UPDATE SET
      first_seen = MIN(first_seen, excluded.first_seen),
      last_seen = MAX(last_seen, excluded.last_seen),
      sample_count = sample_count + excluded.sample_count,
      input_tokens_total = input_tokens_total + excluded.input_tokens_total,
      output_tokens_total = output_tokens_total + excluded.output_tokens_total`);
  // A failed check registers the agent but is no sign of life: last_seen stays.
  const registerOnly = db.prepare(`INSERT INTO agents (name, first_seen, last_seen, registered_at, sample_count, input_tokens_total, output_tokens_total)
    VALUES (?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (name) DO UPDATE SET sample_count = sample_count + excluded.sample_count,
      input_tokens_total = input_tokens_total + excluded.input_tokens_total,
      output_tokens_total = output_tokens_total + excluded.output_tokens_total`);
  const versions = createVersionLog(db, versionGeneration);
  const readStream = db.prepare<[string], { start_ns: string; time_ns: string }>('SELECT start_ns, time_ns FROM otlp_streams WHERE key = ?');
  const writeStream = db.prepare(`INSERT INTO otlp_streams (key, agent_name, metric, start_ns, time_ns, count, sum, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (key) DO UPDATE SET start_ns = excluded.start_ns, time_ns = excluded.time_ns, count = excluded.count, sum = excluded.sum, updated_at = excluded.updated_at`);

  const insertOne = db.transaction(({ samples, receivedAt, alive, streams = [] }: SampleWrite): number => {
    for (const { key, agent, metric, expected, next } of streams) {
      if (!stillAt(readStream.get(key), expected)) throw streamMoved(key);
      writeStream.run(key, agent, metric, next.startNs, next.timeNs, next.count, next.sum, receivedAt);
    }
    const spans = new Map<string, AgentSpan>();
    let lastId = 0;
    for (const sample of samples) {
      lastId = Number(insertSample.run(STORED.map((column) => sample[column])).lastInsertRowid);
      if (sample.version !== null) versions.record(sample.agent_name, sample.timestamp, sample.version);
      addToSpan(spans, sample);
    }
    const register = alive ? upsertAgent : registerOnly;
    // Liveness follows arrival: a sample stamped ahead by a skewed clock must not keep its agent
    // "seen" after it falls silent, so the span is capped at the time it arrived.
    const cap = (iso: string) => (iso > receivedAt ? receivedAt : iso);
    for (const [name, span] of spans) register.run(name, cap(span.first), cap(span.last), receivedAt, span.count, span.inputTokens, span.outputTokens);
    return lastId;
  });

  const insertGroup = db.transaction((writes: readonly SampleWrite[]): WriteOutcome[] => {
    versions.beginGroup();
    const outcomes = writes.map((write): WriteOutcome => {
      try {
        return { lastId: insertOne(write) };
      } catch (error) {
        versions.forgetCache(); // it may hold steps the rolled-back savepoint wrote
        const { message, code } = error as { message: string; code?: unknown };
        return { error: { message, ...(typeof code === 'string' ? { code } : {}) } };
      }
    });
    versions.endGroup();
    return outcomes;
  });

  return {
    /** Stores every write of the group in one transaction; throws only if the commit itself fails (nothing is then stored). */
    write(writes: readonly SampleWrite[]): WriteOutcome[] {
      try {
        return insertGroup.immediate(writes);
      } catch (error) {
        versions.forgetCache(); // it may hold steps the rolled-back transaction wrote
        throw error;
      }
    },
  };
}
