import { toIso } from '../clock.js';
import type { Thresholds } from '../config.js';
import type { AgentRecord } from '../domain/agent.js';
import { FindingKind, Severity } from '../domain/enums.js';
import type { FindingDraft } from '../domain/finding.js';
import { formatDuration } from '../domain/health.js';
import { formatTime, formatValue, METRIC_LABEL, round } from './format.js';
import { metricSeries, type SampleLike } from './series.js';
import { detectBreaches, thresholdRules, type BreachEpisode, type ThresholdOptions } from './thresholds.js';

export interface AnalysisInput {
  now: number;
  agents: readonly AgentRecord[];
  /** Each agent's samples over the lookback window. */
  samples: ReadonlyMap<string, readonly SampleLike[]>;
  thresholds: Thresholds;
  threshold: ThresholdOptions;
  offlineAfterMs: number;
  memoryLimits: ReadonlyMap<string, number | undefined>;
}

/** The analysis job runs the 'analysis' group; the predictive-maintenance job the 'predictive' one. */
export type DetectorGroup = 'analysis' | 'predictive';

export interface Detector {
  name: string;
  group: DetectorGroup;
  detect(input: AnalysisInput): FindingDraft[];
}

/** The detector table; each is a pure function of the input and its `now`. */
export const DETECTORS: readonly Detector[] = [
  { name: 'silence', group: 'analysis', detect: (input) => input.agents.flatMap((agent) => silence(agent, input)) },
  { name: 'thresholds', group: 'analysis', detect: thresholds },
];

/** Everything the chosen detectors find in one run. */
export function analyze(input: AnalysisInput, groups: readonly DetectorGroup[] = ['analysis', 'predictive']): FindingDraft[] {
  return DETECTORS.filter((d) => groups.includes(d.group)).flatMap((d) => d.detect(input));
}

function thresholds(input: AnalysisInput): FindingDraft[] {
  const findings: FindingDraft[] = [];
  for (const agent of input.agents) {
    const samples = input.samples.get(agent.name) ?? [];
    const rules = thresholdRules(input.thresholds, input.threshold.hysteresis, input.memoryLimits.get(agent.name));
    for (const rule of rules) {
      for (const episode of detectBreaches(metricSeries(samples, rule.metric), rule, input.threshold)) {
        findings.push(breachFinding(agent.name, episode));
      }
    }
  }
  return findings;
}

function breachFinding(agentName: string, e: BreachEpisode): FindingDraft {
  const { rule } = e;
  const exceedance = Math.abs(e.mean - rule.threshold) / Math.max(Math.abs(rule.threshold), 1e-9);
  const label = METRIC_LABEL[rule.metric];
  const side = rule.direction === 'above' ? 'above' : 'below';
  const state = e.active ? 'still breaching' : `recovered after ${formatDuration(e.endedAt - e.startedAt)}`;
  return {
    kind: FindingKind.threshold,
    agent_name: agentName,
    metric: rule.metric,
    severity: e.active && exceedance >= 0.5 ? Severity.critical : Severity.warning,
    score: round(exceedance, 4),
    started_at: toIso(e.startedAt),
    ended_at: toIso(e.endedAt),
    value: round(e.mean, 6),
    expected: rule.threshold,
    message:
      `${label} of ${agentName} averaged ${formatValue(rule.metric, e.mean)} over ${e.points} samples ` +
      `from ${formatTime(e.startedAt)} to ${formatTime(e.endedAt)}, ${side} the ${formatValue(rule.metric, rule.threshold)} ` +
      `threshold (worst ${formatValue(rule.metric, e.worst)}); ${state}`,
    details: {
      direction: rule.direction,
      threshold: rule.threshold,
      clear_at: round(rule.clearAt, 6),
      points: e.points,
      worst: e.worst,
      latest: e.latest,
      active: e.active,
      duration_seconds: Math.round((e.endedAt - e.startedAt) / 1000),
    },
    episode_key: `threshold:${agentName}:${rule.metric}:${e.startedAt}`,
  };
}

/** An agent is silent when nothing arrived for longer than offlineAfter; one finding per silence. */
function silence(agent: AgentRecord, input: AnalysisInput): FindingDraft[] {
  const lastSeen = Date.parse(agent.last_seen);
  const silentMs = input.now - lastSeen;
  if (silentMs <= input.offlineAfterMs) return [];
  const ratio = silentMs / input.offlineAfterMs;
  return [
    {
      kind: FindingKind.offline,
      agent_name: agent.name,
      metric: 'availability',
      severity: ratio >= 4 ? Severity.critical : Severity.warning,
      score: round(ratio, 3),
      started_at: agent.last_seen,
      ended_at: toIso(input.now),
      value: Math.round(silentMs / 1000),
      expected: Math.round(input.offlineAfterMs / 1000),
      message: `${agent.name} has sent no sample or check for ${formatDuration(silentMs)} (last seen ${formatTime(lastSeen)}; offline after ${formatDuration(input.offlineAfterMs)})`,
      details: { last_seen: agent.last_seen, silent_seconds: Math.round(silentMs / 1000), active: true },
      episode_key: `offline:${agent.name}:${lastSeen}`,
    },
  ];
}
