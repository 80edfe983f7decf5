import type { FindingDraft } from '../domain/finding.js';
import type { ChangeAttribution, VersionChange } from '../domain/version.js';
import { MINUTE } from '../domain/units.js';
import type { DetectorContext } from './context.js';
import { formatValues, METRIC_LABEL } from './format.js';
import { ANALYSED_METRICS, MATERIAL_CHANGE, mean, RESOLUTION, type AnalysedMetric } from './series.js';
import { FIVE_MINUTES } from './state.js';

/** Kinds that say a metric shifted; silence, leaks and bottlenecks are not blamed on a version. */
const SHIFTS = new Set(['threshold', 'anomaly', 'trend']);
/** The "before" level is the mean of at least this long before the change. */
const BEFORE_MS = 60 * MINUTE;

/**
 * Names the change that came before a shift: a finding whose episode began within the change
 * window after its agent began running another version (or in the same five minutes, as a
 * 5-minute period starts before the change inside it) carries the change, the metric's mean
 * before it and since, and says so in its message. The latest such change is the one named.
 */
export function attributeChanges(findings: FindingDraft[], context: DetectorContext): FindingDraft[] {
  const windowMs = context.settings.changeWindowMinutes * MINUTE;
  const byAgent = new Map<string, VersionChange[]>();
  for (const change of context.changes) {
    if (change.from === null) continue;
    const list = byAgent.get(change.agent_name);
    if (list) list.push(change);
    else byAgent.set(change.agent_name, [change]);
  }
  if (byAgent.size === 0 || windowMs === 0) return findings;
  return findings.map((finding) => {
    if (!finding.agent_name || !SHIFTS.has(finding.kind) || !(ANALYSED_METRICS as readonly string[]).includes(finding.metric)) return finding;
    const started = Date.parse(finding.started_at);
    // From the start of the 5-minute period the change fell in: a shift already under way before it is not its doing.
    const change = byAgent
      .get(finding.agent_name)
      ?.filter((c) => Math.floor(Date.parse(c.at) / FIVE_MINUTES) * FIVE_MINUTES <= started && started - Date.parse(c.at) <= windowMs)
      .at(-1);
    if (!change) return finding;
    const attribution = attribute(finding.agent_name, finding.metric as AnalysedMetric, directionOf(finding), change, started, windowMs, context);
    if (!attribution) return finding;
    return { ...finding, message: `${finding.message}; ${attribution.sentence}`, details: { ...finding.details, version_change: attribution } } as FindingDraft;
  });
}

/** Which way the finding says the metric went: up (+1) or down (−1). */
function directionOf(finding: FindingDraft): 1 | -1 {
  switch (finding.kind) {
    case 'threshold':
      return finding.details.direction === 'above' ? 1 : -1;
    case 'trend':
      return finding.details.change >= 0 ? 1 : -1;
    default:
      return (finding.value ?? 0) >= (finding.expected ?? 0) ? 1 : -1;
  }
}

function attribute(agent: string, metric: AnalysedMetric, direction: 1 | -1, change: VersionChange, started: number, windowMs: number, context: DetectorContext): ChangeAttribution | undefined {
  const at = Date.parse(change.at);
  const before = meanBetween(agent, metric, at - Math.max(BEFORE_MS, windowMs), at, context);
  const after = meanBetween(agent, metric, at, context.now, context);
  if (before === undefined || after === undefined) return undefined;
  // The change must have moved the metric the way the finding says, and by enough to matter:
  // the metric's material change, or a tenth of its level (never less than its resolution).
  const moved = (after - before) * direction;
  if (moved < Math.min(MATERIAL_CHANGE[metric], Math.max(RESOLUTION[metric], 0.1 * Math.abs(before)))) return undefined;
  const minutes = Math.max(1, Math.ceil((started - at) / MINUTE));
  const [was, is] = formatValues(metric, before, after);
  return {
    from_version: change.from!,
    to_version: change.to,
    changed_at: change.at,
    minutes_after: Math.max(0, Math.round((started - at) / MINUTE)),
    before,
    after,
    sentence: `${METRIC_LABEL[metric]} of ${agent} ${after > before ? 'rose' : 'fell'} from ${was} to ${is} within ${minutes} minute${minutes === 1 ? '' : 's'} of the change from ${change.from} to ${change.to}`,
  };
}

/** The metric's mean over [from, to): the raw points where the raw window reaches, else 5-minute buckets. */
function meanBetween(agent: string, metric: AnalysedMetric, from: number, to: number, { state, now }: DetectorContext): number | undefined {
  const raw = state.raw(agent, metric);
  const source = raw.length > 0 && raw[0]!.t <= from ? raw : state.buckets(agent, metric, 'fiveMinute', now);
  const values = source.filter((p) => p.t >= from && p.t < to).map((p) => p.v);
  return values.length > 0 ? mean(values) : undefined;
}
