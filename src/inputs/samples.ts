import { parseSampleBatch, type AgentSample, type SampleLimits } from '../domain/sample.js';
import { validationFailed } from '../errors.js';

/** A `{samples: [...]}` batch, valid as a whole, or a VALIDATION_FAILED error listing every problem by index and field. */
export function parseBatch(body: unknown, limits: SampleLimits): AgentSample[] {
  const parsed = parseSampleBatch(body, limits);
  if (!parsed.ok) throw validationFailed(parsed.message, parsed.errors);
  return parsed.samples;
}
