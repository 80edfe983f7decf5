import type { FindingKind } from './enums.js';

/**
 * What kind of problem a suggestion is about: one open suggestion per agent (or the fleet) and
 * family. The values are stored (the second half of every fingerprint since the first release),
 * so they never change; the words for families live here and nowhere else.
 */
export const ProblemFamily = {
  latency: 'response_time:high',
  /** A falling success rate and a rising error rate: the same failures seen two ways. */
  failures: 'failures',
  cpu: 'cpu_usage:high',
  memory: 'memory_usage:high',
  /** LLM tokens per request rising: each request costs more. */
  tokens: 'tokens_per_request:high',
  silent: 'availability:silent',
  hostCpu: 'host_cpu:high',
  hostMemory: 'host_memory:high',
} as const;
export type ProblemFamily = (typeof ProblemFamily)[keyof typeof ProblemFamily];

const FAMILIES: ReadonlySet<string> = new Set(Object.values(ProblemFamily));
export const isProblemFamily = (value: unknown): value is ProblemFamily => typeof value === 'string' && FAMILIES.has(value);

const BY_METRIC: Readonly<Record<string, ProblemFamily>> = {
  response_time: ProblemFamily.latency,
  success_rate: ProblemFamily.failures,
  error_rate: ProblemFamily.failures,
  cpu_usage: ProblemFamily.cpu,
  memory_usage: ProblemFamily.memory,
  tokens_per_request: ProblemFamily.tokens,
  host_cpu: ProblemFamily.hostCpu,
  host_memory: ProblemFamily.hostMemory,
};

/** The family of the problem a finding shows; undefined for a metric no suggestion is made for. */
export function familyOfFinding(finding: { kind: FindingKind | string; metric: string }): ProblemFamily | undefined {
  if (finding.kind === 'offline') return ProblemFamily.silent;
  return BY_METRIC[finding.metric];
}

/** The host's own saturation is one fleet-wide problem, whichever agent it slowed. */
export const isFleetWide = (family: ProblemFamily) => family === ProblemFamily.hostCpu || family === ProblemFamily.hostMemory;

/** Identifies one problem: `<agent or "fleet">:<family>`. Built and read only here. */
export type Fingerprint = string & { readonly __brand: 'Fingerprint' };

export function fingerprintOf(agent: string | null, family: ProblemFamily): Fingerprint {
  return `${agent === null || isFleetWide(family) ? 'fleet' : agent}:${family}` as Fingerprint;
}

/** Agent names hold no ':', so the first one ends the subject. */
export function parseFingerprint(value: string): { subject: string; family: ProblemFamily } | undefined {
  const at = value.indexOf(':');
  const family = value.slice(at + 1);
  if (at <= 0 || !isProblemFamily(family)) return undefined;
  return { subject: value.slice(0, at), family };
}

/** The metric a fix of this family is judged by afterwards: failures by the error rate per sample. */
export function verificationMetric(family: ProblemFamily | null, findingMetric: string): string {
  return family === ProblemFamily.failures ? 'error_rate' : findingMetric;
}
