import { STREAM_MOVED } from '../domain/otlp-stream.js';
import { AppError, ErrorCode } from '../errors.js';
import type { Encoding, OtlpPipeline } from '../otlp/pipeline.js';
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
 * together, only if no other export moved those marks meanwhile; else it maps again. Decoding
 * and mapping run in the pipeline (a thread of its own in the server).
 */
export function createOtlpService({ store }: Pick<ServiceDeps, 'store'>, ingest: IngestService, pipeline: OtlpPipeline) {
  const counts: OtlpCounts = { stored: 0, rejected: 0, ignored: 0 };

  return {
    /**
     * Stores what an uncompressed export body makes; refuses points it cannot use as a partial
     * success, and the whole export (400) only if it cannot be decoded or (503) stored.
     */
    async receive(bytes: Uint8Array, encoding: Encoding, reporter: Reporter = {}): Promise<ExportOutcome> {
      const limits = ingest.limits();
      const { handle, keys, mapped: premapped } = await pipeline.collect(bytes, encoding, limits);
      let stored = false;
      try {
        let mapped = premapped;
        for (let n = 1; ; n += 1) {
          mapped ??= await pipeline.map(handle, keys.length > 0 ? await store.otlpStreams.marks(keys) : new Map());
          if (mapped.samples.length > limits.maxSamples) {
            throw new AppError(
              ErrorCode.payloadTooLarge,
              `This export makes ${mapped.samples.length} samples (agents × distinct point times); at most ${limits.maxSamples} are taken at once (limits.maxBatchSamples): send smaller exports`,
            );
          }
          try {
            if (mapped.samples.length > 0 || mapped.advances.length > 0) await ingest.ingest(mapped.samples, reporter, { streams: mapped.advances });
          } catch (error) {
            if ((error as { code?: unknown }).code !== STREAM_MOVED) throw error;
            if (n === MAX_ATTEMPTS) throw new AppError(ErrorCode.unavailable, 'Other exports of the same streams kept arriving at once; nothing was stored. Send it again', { retryAfterSeconds: 1 });
            mapped = undefined; // against the marks the store holds now
            continue;
          }
          stored = true;
          counts.stored += mapped.stored;
          counts.rejected += mapped.rejected;
          counts.ignored += mapped.ignored;
          return { rejectedDataPoints: mapped.rejected, errorMessage: mapped.errorMessage };
        }
      } finally {
        pipeline.release(handle, stored);
      }
    },
    counts: (): Readonly<OtlpCounts> => counts,
  };
}
