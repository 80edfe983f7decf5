import { toIso } from '../../clock.js';
import { FindingKind, Severity } from '../../domain/enums.js';
import type { FindingDraft } from '../../domain/finding.js';
import { formatDuration } from '../../domain/health.js';
import type { DetectorContext } from '../context.js';
import { formatTime, formatValue, formatValues, METRIC_LABEL, round } from '../format.js';
import { detectBreaches, hostRules, thresholdRules, type BreachEpisode, type ThresholdOptions } from './threshold-breaches.js';

/** Sustained breaches of every configured threshold, per agent (raw samples) and for the host (snapshots). */
export function detectThresholds({ agents, state, host, settings }: DetectorContext): FindingDraft[] {
  const options: ThresholdOptions = {
    hysteresis: settings.hysteresis,
    minPoints: settings.minBreachPoints,
    minDurationMs: settings.minBreachMs,
  };
  const findings: FindingDraft[] = [];
  for (const agent of agents) {
    for (const rule of thresholdRules(settings.thresholds, settings.hysteresis, settings.memoryLimitsMb[agent.name])) {
      const points = state.raw(agent.name, rule.metric as Parameters<typeof state.raw>[1]);
      for (const episode of detectBreaches(points, rule, options)) findings.push(breachFinding(agent.name, episode));
    }
  }
  for (const rule of hostRules(settings.thresholds, settings.hysteresis)) {
    const points = rule.metric === 'host_cpu' ? host.cpu : host.memory;
    for (const episode of detectBreaches(points, rule, options)) findings.push(breachFinding(null, episode));
  }
  return findings;
}

function breachFinding(agentName: string | null, e: BreachEpisode): FindingDraft {
  const { rule } = e;
  const exceedance = Math.abs(e.mean - rule.threshold) / Math.max(Math.abs(rule.threshold), 1e-9);
  const label = METRIC_LABEL[rule.metric];
  const who = agentName ?? 'the host';
  const state = e.active ? 'still breaching' : `recovered after ${formatDuration(e.endedAt - e.startedAt)}`;
  const [mean, threshold] = formatValues(rule.metric, e.mean, rule.threshold);
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
      `${label} of ${who} averaged ${mean} over ${e.points} samples ` +
      `from ${formatTime(e.startedAt)} to ${formatTime(e.endedAt)}, ${rule.direction} the ` +
      `${threshold} threshold (worst ${formatValue(rule.metric, e.worst)}); ${state}`,
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
    episode_key: `threshold:${agentName ?? 'host'}:${rule.metric}:${e.startedAt}`,
  };
}
