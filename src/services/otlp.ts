import { STREAM_MOVED } from '../domain/otlp-stream.js';
import { AppError, ErrorCode } from '../errors.js';
import { collect, Tally } from '../otlp/collect.js';
import type { OtlpResource } from '../otlp/model.js';
import { toSamples } from '../otlp/to-samples.js';
import type { ServiceDeps } from './deps.js';
import type { IngestService, Reporter } from './ingest.js';

/** What an export came to: refused points and why, for the OTLP partial-success answer. */
export interface ExportOutcome {
  rejectedDataPoints: number;
  errorMessage: string;
}

/** Data points since start, by what became of them (the receiver's own metrics). */
export interface OtlpCounts {
  stored: number;
  rejected: number;
  ignored: number;
}

/** Another export of the same streams committed between our read and our write: read and compute again, this many times. */
const MAX_ATTEMPTS = 5;

export type OtlpService = ReturnType<typeof createOtlpService>;

/**
 * The OTLP metrics receiver's core (POST /v1/metrics): an export's points become ordinary
 * samples (otlp/conventions.ts says which metric makes which field), cumulative streams are
 * differenced against their stored marks, and the samples and the marks' advances are stored
 * together, only if no other export moved those marks meanwhile; else it computes again.
 */
export function createOtlpService({ store }: Pick<ServiceDeps, 'store'>, ingest: IngestService) {
  const counts: OtlpCounts = { stored: 0, rejected: 0, ignored: 0 };

  async function attempt(resources: readonly OtlpResource[], reporter: Reporter): Promise<{ tally: Tally; stored: number }> {
    const tally = new Tally();
    const limits = ingest.limits();
    const observations = collect(resources, limits, tally);
    const keys = [...new Set(observations.flatMap((o) => ('key' in o.reading ? [o.reading.key] : [])))];
    const marks = keys.length > 0 ? await store.otlpStreams.marks(keys) : new Map();
    const refusedBefore = tally.rejected;
    const { samples, advances } = toSamples(observations, marks, tally);
    if (samples.length > limits.maxSamples) {
      throw new AppError(
        ErrorCode.payloadTooLarge,
        `This export makes ${samples.length} samples (agents × distinct point times); at most ${limits.maxSamples} are taken at once (limits.maxBatchSamples): send smaller exports`,
      );
    }
    if (samples.length > 0 || advances.length > 0) await ingest.ingest(samples, reporter, { streams: advances });
    return { tally, stored: observations.length - (tally.rejected - refusedBefore) };
  }

  return {
    /** Stores what the export's points make; refuses points it cannot use as a partial success, and the whole export only if storing fails. */
    async receive(resources: readonly OtlpResource[], reporter: Reporter = {}): Promise<ExportOutcome> {
      for (let n = 1; ; n += 1) {
        try {
          const { tally, stored } = await attempt(resources, reporter);
          counts.stored += stored;
          counts.rejected += tally.rejected;
          counts.ignored += tally.ignored;
          return { rejectedDataPoints: tally.rejected, errorMessage: tally.message() };
        } catch (error) {
          if ((error as { code?: unknown }).code !== STREAM_MOVED) throw error;
          if (n === MAX_ATTEMPTS) {
            throw new AppError(ErrorCode.unavailable, 'Other exports of the same streams kept arriving at once; nothing was stored. Send it again', { retryAfterSeconds: 1 });
          }
        }
      }
    },
    counts: (): Readonly<OtlpCounts> => counts,
  };
}
