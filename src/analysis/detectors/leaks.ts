import { toIso } from '../../clock.js';
import { FindingKind, Severity } from '../../domain/enums.js';
import type { FindingDraft } from '../../domain/finding.js';
import { formatDuration } from '../../domain/health.js';
import type { DetectorContext } from '../context.js';
import { formatTime, round } from '../format.js';
import type { Point } from '../series.js';
import { mannKendall, median, resample, theilSen, valueAt } from '../stats.js';
import { HOUR } from '../../domain/units.js';

/** A drop to under 70 % of the previous value is a restart (the sawtooth's edge). */
const RESET_RATIO = 0.7;
const MIN_SEGMENT_MS = HOUR;

export interface LeakAssessment {
  /** MB per hour over the growing segment. */
  slopePerHour: number;
  p: number;
  current: number;
  segmentStart: number;
  restarts: number;
  /** Restarts hide the leak: memory grew before the last restart too. */
  maskedByRestarts: boolean;
  points: number;
}

/** Recent stretches tried for growth, longest first: a leak that began lately shows in a short one. */
const WINDOWS_MS = [Infinity, 8 * HOUR, 4 * HOUR, 2 * HOUR];

function growth(segment: readonly Point[]) {
  if (segment.length < 12 || segment.at(-1)!.t - segment[0]!.t < MIN_SEGMENT_MS) return undefined;
  const end = segment.at(-1)!.t;
  let flat: ReturnType<typeof growthOver> | undefined;
  for (const windowMs of WINDOWS_MS) {
    const part = segment.filter((p) => p.t >= end - windowMs);
    if (part.length < 12 || part.at(-1)!.t - part[0]!.t < MIN_SEGMENT_MS) continue;
    // Quarter-hour means beyond four hours keep Theil–Sen's pairwise slopes few.
    const result = growthOver(windowMs > 4 * HOUR ? resample(part, 15 * 60_000) : part);
    if (result?.growing) return result;
    flat ??= result;
  }
  return flat;
}

function growthOver(segment: readonly Point[]) {
  if (segment.length < 6) return undefined;
  const line = theilSen(segment);
  if (!line) return undefined;
  const test = mannKendall(segment.map((p) => p.v));
  const span = segment.at(-1)!.t - segment[0]!.t;
  const rise = line.slope * span;
  const level = median(segment.map((p) => p.v));
  const growing = test.p < 0.01 && rise > 0 && rise >= Math.max(20, 0.05 * level);
  return { line, p: test.p, growing, start: segment[0]!.t };
}

/**
 * Sustained growth of resident memory. The series is cut at restarts (sudden drops); each
 * stretch is tested over its last 2, 4 and 8 hours and whole (Theil–Sen slope, Mann–Kendall
 * p < 0.01, a rise of at least 20 MB and 5 %), so growth that began lately is not averaged
 * away by the flat hours before it. The newest stretch decides: growing → a leak (masked by restarts when the earlier stretches grew
 * too); flat for long enough after a restart that followed growth → fixed (no finding); too
 * short to judge after a restart that followed growth → the leak is hidden by the restart.
 */
export function assessLeak(points: readonly Point[]): LeakAssessment | undefined {
  const segments: Point[][] = [[]];
  for (let i = 0; i < points.length; i++) {
    if (i > 0 && points[i]!.v < RESET_RATIO * points[i - 1]!.v) segments.push([]);
    segments.at(-1)!.push(points[i]!);
  }
  const judged = segments.map((segment) => ({ segment, result: growth(segment) }));
  const latest = judged.at(-1)!;
  const earlierGrew = judged.slice(0, -1).some((j) => j.result?.growing);
  const restarts = segments.length - 1;
  const pick = latest.result?.growing ? latest : !latest.result && earlierGrew ? judged.slice(0, -1).reverse().find((j) => j.result?.growing) : undefined;
  if (!pick?.result) return undefined;
  const { line, p, start } = pick.result;
  const last = points.at(-1)!;
  return {
    slopePerHour: line.slope * HOUR,
    p,
    current: pick === latest ? valueAt(line, last.t) : last.v,
    segmentStart: start,
    restarts,
    maskedByRestarts: restarts > 0 && earlierGrew,
    points: pick.segment.length,
  };
}

export function detectLeaks({ agents, state, now, settings }: DetectorContext): FindingDraft[] {
  const findings: FindingDraft[] = [];
  for (const agent of agents) {
    const points = state.buckets(agent.name, 'memory_usage', 'fiveMinute', now).filter((p) => p.t >= now - settings.leakHours * HOUR);
    const leak = assessLeak(points);
    if (!leak) continue;
    const limit = settings.memoryLimitsMb[agent.name];
    const etaMs = limit && leak.slopePerHour > 0 ? ((limit - leak.current) / leak.slopePerHour) * HOUR : undefined;
    const projection =
      etaMs === undefined
        ? 'no memory limit is configured for it (agents[].memoryLimitMb), so no time to exhaustion is projected'
        : etaMs <= 0
          ? `it is already at its ${limit} MB limit`
          : `at this rate it reaches its ${limit} MB limit in about ${formatDuration(etaMs)}`;
    findings.push({
      kind: FindingKind.leak,
      agent_name: agent.name,
      metric: 'memory_usage',
      severity: etaMs !== undefined && etaMs <= 2 * HOUR ? Severity.critical : Severity.warning,
      score: round(leak.slopePerHour / Math.max(leak.current, 1), 4),
      started_at: toIso(leak.segmentStart),
      ended_at: toIso(now),
      value: round(leak.current, 3),
      expected: limit ?? null,
      message:
        `memory of ${agent.name} has grown steadily at ${round(leak.slopePerHour, 1)} MB per hour since ${formatTime(leak.segmentStart)} ` +
        `(now ${round(leak.current, 1)} MB${leak.restarts > 0 ? `; ${leak.restarts} restart(s) ${leak.maskedByRestarts ? 'reset it but it keeps growing back' : 'seen'}` : ''}); ${projection}`,
      details: {
        slope_mb_per_hour: round(leak.slopePerHour, 3),
        p_value: leak.p,
        restarts: leak.restarts,
        masked_by_restarts: leak.maskedByRestarts,
        memory_limit_mb: limit ?? null,
        eta_hours: etaMs === undefined ? null : round(Math.max(0, etaMs) / HOUR, 2),
        points: leak.points,
        active: true,
      },
      episode_key: `leak:${agent.name}:${leak.segmentStart}`,
    });
  }
  return findings;
}
