import { toIso } from '../../clock.js';
import { FindingKind, Severity } from '../../domain/enums.js';
import type { FindingDraft } from '../../domain/finding.js';
import type { DetectorContext } from '../context.js';
import { formatValue, round } from '../format.js';
import type { Point } from '../series.js';
import { bucketValue } from '../state.js';
import { correlation, median, resample } from '../stats.js';
import { HOUR } from '../../domain/units.js';

const FIVE_MINUTES = 300_000;
const mean = (points: readonly Point[]) => points.reduce((s, p) => s + p.v, 0) / points.length;

/**
 * Which agents dominate the fleet's latency or errors over the last hour, and whether host
 * CPU saturation coincides with an agent's slowdown. A dominant agent is only a warning when
 * it is itself at least half-way to its threshold; otherwise it is information.
 */
export function detectBottlenecks(context: DetectorContext): FindingDraft[] {
  return [...dominance(context), ...hostSaturation(context)];
}

function dominance({ agents, state, now, settings }: DetectorContext): FindingDraft[] {
  const since = now - HOUR;
  const findings: FindingDraft[] = [];
  const latency = agents
    .map((a) => ({ name: a.name, points: state.raw(a.name, 'response_time').filter((p) => p.t >= since) }))
    .filter((a) => a.points.length > 0)
    .map((a) => ({ name: a.name, value: mean(a.points) }));
  const errors = agents
    .map((a) => ({ name: a.name, sums: state.totals(a.name, since, now + FIVE_MINUTES) }))
    .filter((a) => a.sums.error_count_n > 0)
    .map((a) => ({ name: a.name, value: a.sums.error_count_sum, rate: bucketValue(a.sums, 'error_rate') ?? 0 }));
  for (const [metric, rows, threshold] of [
    ['response_time', latency, settings.thresholds.response_time],
    ['error_rate', errors, settings.thresholds.error_rate],
  ] as const) {
    if (rows.length < 3) continue;
    const total = rows.reduce((s, r) => s + r.value, 0);
    if (total <= 0 || (metric === 'error_rate' && total < 10)) continue;
    for (const row of rows) {
      const share = row.value / total;
      if (share < settings.bottleneckShare) continue;
      const level = metric === 'response_time' ? row.value : (row as { rate: number }).rate;
      const serious = level >= threshold / 2;
      findings.push({
        kind: FindingKind.bottleneck,
        agent_name: row.name,
        metric,
        severity: serious ? Severity.warning : Severity.info,
        score: round(share, 3),
        started_at: toIso(since),
        ended_at: toIso(now),
        value: round(level, 6),
        expected: threshold,
        message:
          metric === 'response_time'
            ? `${row.name} accounts for ${Math.round(share * 100)} % of the fleet's summed mean response time over the last hour (${formatValue(metric, level)} against a ${formatValue(metric, threshold)} threshold)`
            : `${row.name} accounts for ${Math.round(share * 100)} % of the fleet's errors over the last hour (its error rate ${formatValue(metric, level)})`,
        details: { share: round(share, 4), fleet_agents: rows.length, active: serious },
        episode_key: `bottleneck:${row.name}:${metric}:${since}`,
      });
    }
  }
  return findings;
}

function hostSaturation({ agents, state, host, now, settings }: DetectorContext): FindingDraft[] {
  const lastHour = host.cpu.filter((p) => p.t >= now - HOUR);
  if (lastHour.length < 6) return [];
  const saturated = lastHour.filter((p) => p.v > settings.thresholds.cpu_usage).length / lastHour.length;
  if (saturated < 0.5) return [];
  const hostSeries = resample(host.cpu, FIVE_MINUTES);
  const hostAt = new Map(hostSeries.map((p) => [p.t, p.v]));
  const findings: FindingDraft[] = [];
  for (const agent of agents) {
    const rt = state.buckets(agent.name, 'response_time', 'fiveMinute', now).filter((p) => hostAt.has(p.t));
    const recent = rt.filter((p) => p.t >= now - HOUR);
    const before = rt.filter((p) => p.t < now - HOUR);
    if (recent.length < 3 || before.length < 3) continue;
    const r = correlation(rt.map((p) => hostAt.get(p.t)!), rt.map((p) => p.v));
    const recentLevel = median(recent.map((p) => p.v));
    const baseline = median(before.map((p) => p.v));
    if (!(r >= 0.6) || recentLevel < 1.5 * baseline) continue;
    findings.push({
      kind: FindingKind.bottleneck,
      agent_name: agent.name,
      metric: 'host_cpu',
      severity: Severity.warning,
      score: round(r, 3),
      started_at: toIso(now - HOUR),
      ended_at: toIso(now),
      value: round(mean(lastHour), 3),
      expected: settings.thresholds.cpu_usage,
      message:
        `host CPU was above ${settings.thresholds.cpu_usage} % for ${Math.round(saturated * 100)} % of the last hour while ` +
        `${agent.name} slowed from ${formatValue('response_time', baseline)} to ${formatValue('response_time', recentLevel)} (correlation ${round(r, 2)})`,
      details: { correlation: round(r, 4), saturated_share: round(saturated, 3), baseline, recent: recentLevel, active: true },
      episode_key: `bottleneck:${agent.name}:host_cpu:${now - HOUR}`,
    });
  }
  return findings;
}
