/**
 * Every enumeration of the domain, one source of truth each: the store, the
 * analysis, the REST validation and the GraphQL enums are all built from these.
 */
export const ImprovementStatus = {
  pending: 'pending',
  approved: 'approved',
  rejected: 'rejected',
  in_progress: 'in_progress',
  completed: 'completed',
  failed: 'failed',
} as const;
export type ImprovementStatus = (typeof ImprovementStatus)[keyof typeof ImprovementStatus];

export const ImprovementType = {
  performance: 'performance',
  reliability: 'reliability',
  efficiency: 'efficiency',
  scalability: 'scalability',
  security: 'security',
  maintainability: 'maintainability',
  functionality: 'functionality',
} as const;
export type ImprovementType = (typeof ImprovementType)[keyof typeof ImprovementType];

export const Priority = {
  critical: 'critical',
  high: 'high',
  medium: 'medium',
  low: 'low',
} as const;
export type Priority = (typeof Priority)[keyof typeof Priority];
/** Priorities in order of urgency, for comparing them. */
export const PRIORITY_RANK: Record<Priority, number> = { low: 0, medium: 1, high: 2, critical: 3 };

export const AgentHealth = {
  healthy: 'healthy',
  degraded: 'degraded',
  failing: 'failing',
  offline: 'offline',
} as const;
export type AgentHealth = (typeof AgentHealth)[keyof typeof AgentHealth];

export const OverallHealth = {
  healthy: 'healthy',
  degraded: 'degraded',
  critical: 'critical',
  unknown: 'unknown',
} as const;
export type OverallHealth = (typeof OverallHealth)[keyof typeof OverallHealth];

export const Severity = {
  info: 'info',
  warning: 'warning',
  critical: 'critical',
} as const;
export type Severity = (typeof Severity)[keyof typeof Severity];

export const FindingKind = {
  threshold: 'threshold',
  trend: 'trend',
  anomaly: 'anomaly',
  forecast: 'forecast',
  leak: 'leak',
  bottleneck: 'bottleneck',
  offline: 'offline',
} as const;
export type FindingKind = (typeof FindingKind)[keyof typeof FindingKind];

export const SampleSource = {
  push: 'push',
  pull: 'pull',
  process: 'process',
  /** Received as OpenTelemetry metrics (POST /v1/metrics). */
  otlp: 'otlp',
} as const;
export type SampleSource = (typeof SampleSource)[keyof typeof SampleSource];

export const SpecialistRole = {
  code_editor: 'code_editor',
  prompt_engineer: 'prompt_engineer',
  system_architect: 'system_architect',
  performance_analyst: 'performance_analyst',
} as const;
export type SpecialistRole = (typeof SpecialistRole)[keyof typeof SpecialistRole];

export function enumValues<T extends Record<string, string>>(e: T): [T[keyof T], ...T[keyof T][]] {
  return Object.values(e) as [T[keyof T], ...T[keyof T][]];
}
