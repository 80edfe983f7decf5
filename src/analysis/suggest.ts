import { Priority, PRIORITY_RANK, Severity } from '../domain/enums.js';
import type { Finding } from '../domain/finding.js';
import type { ChangeAttribution } from '../domain/version.js';
import type { ImprovementDraft } from '../domain/improvement.js';
import { familyOfFinding, fingerprintOf, type Fingerprint, type ProblemFamily } from '../domain/problem.js';
import { formatTime, formatValue, METRIC_LABEL, round } from './format.js';
import { PLAYBOOKS } from './playbooks.js';
import { HOUR } from '../domain/units.js';

/** A problem the analysis wants a suggestion for, with the findings that show it. */
export interface Proposal {
  draft: ImprovementDraft;
  /** True while any of its findings is still going on. */
  active: boolean;
  /** The headline value, compared with the rejected one to judge "clearly worse". */
  value: number;
  severity: Severity;
  /** The findings behind it: when each episode began (a recurrence is one that began after a fix). */
  episodes: Array<{ id: number; started_at: string }>;
}

/**
 * Same agent, same metric, same bad direction: the same problem, whichever detector saw it
 * (success and error rate count as one: failures)
 * (a forecast, then a breach, of one agent's response time is one suggestion). The host's
 * own saturation is one fleet-wide problem, whichever agent it slowed.
 */
export function problemOf(f: Pick<Finding, 'agent_name' | 'metric' | 'kind'>): { fingerprint: Fingerprint; family: ProblemFamily } | undefined {
  const family = familyOfFinding(f);
  return family && { family, fingerprint: fingerprintOf(f.agent_name, family) };
}


/** A finding's urgency: how bad it is now, or how soon it will be. */
function priorityOfFinding(f: Finding): Priority {
  const active = f.details.active === true;
  const etaHours = f.kind === 'forecast' || f.kind === 'leak' ? f.details.eta_hours : null;
  const eta = etaHours === null ? undefined : etaHours * HOUR;
  switch (f.kind) {
    case 'forecast':
    case 'leak':
      if (f.severity === Severity.critical) return Priority.critical;
      if (eta !== undefined && eta <= (f.kind === 'leak' ? 24 : 6) * HOUR) return Priority.high;
      return Priority.medium;
    case 'trend':
    case 'bottleneck':
      return Priority.medium;
    default:
      if (!active) return Priority.medium;
      return f.severity === Severity.critical ? Priority.critical : Priority.high;
  }
}

/** How much a finding proves, 0..1, in its own detector's terms. */
function strengthOf(f: Finding): number {
  if (f.kind === 'forecast' && typeof f.details.confidence === 'number') return f.details.confidence;
  if (f.kind === 'anomaly') return Math.min(1, f.score / 10);
  if ((f.kind === 'leak' || f.kind === 'trend') && typeof f.details.p_value === 'number') return 1 - f.details.p_value;
  return Math.min(1, f.score);
}

/** Groups findings by problem and drafts one suggestion for each. */
export function proposeImprovements(findings: readonly Finding[]): Proposal[] {
  const groups = new Map<Fingerprint, { family: ProblemFamily; findings: Finding[] }>();
  for (const finding of findings) {
    const problem = problemOf(finding);
    if (!problem) continue;
    const group = groups.get(problem.fingerprint);
    if (group) group.findings.push(finding);
    else groups.set(problem.fingerprint, { family: problem.family, findings: [finding] });
  }
  const proposals: Proposal[] = [];
  for (const [fingerprint, { family, findings: group }] of groups) {
    const why = whyActNow(group);
    if (why === undefined) continue;
    proposals.push(draftFor(fingerprint, family, group, why));
  }
  return proposals;
}

/** Anomalies alone justify a suggestion when sustained over this many unusual 5-minute periods… */
const SUSTAINED_PERIODS = 3;
/** …or when they recur this often in the analysis window. */
const RECURRING_EPISODES = 3;

/**
 * A finding is not yet a problem. A suggestion needs one of: a threshold breach or a forecast
 * to breach one, a leak, a silent agent, a trend or bottleneck, or unusual values that are
 * sustained or recurring. A single spike that cleared stays a finding, without a suggestion;
 * information (a healthy agent that is merely the slowest) never is one. Answers why it
 * matters now, or undefined.
 */
export function whyActNow(group: readonly Finding[]): string | undefined {
  const serious = group.filter((f) => f.severity !== Severity.info);
  if (serious.length === 0) return undefined;
  const reason = reasonOf(serious);
  const change = versionChangeOf(serious);
  if (!change) return reason;
  if (reason) return `${reason}; ${change.sentence}`;
  // A clear regression after a change: still going on, or unusual for more than one period.
  const clear = serious.some((f) => 'version_change' in f.details && f.details.version_change && (f.details.active || (f.kind === 'anomaly' && f.details.points.length > 1)));
  return clear ? change.sentence : undefined;
}

/** The version change the group's findings began soon after, if any (the latest). */
export function versionChangeOf(group: readonly Finding[]): ChangeAttribution | undefined {
  return group
    .flatMap((f) => ('version_change' in f.details && f.details.version_change ? [f.details.version_change] : []))
    .sort((a, b) => Date.parse(a.changed_at) - Date.parse(b.changed_at))
    .at(-1);
}

function reasonOf(serious: readonly Finding[]): string | undefined {
  for (const f of serious) {
    switch (f.kind) {
      case 'threshold':
        return f.details.active
          ? `${formatValue(f.metric, f.details.latest)} now, ${formatValue(f.metric, Math.abs(f.details.latest - f.details.threshold))} past the ${formatValue(f.metric, f.details.threshold)} threshold for ${formatDuration(f.details.duration_seconds)}`
          : `it went past the ${formatValue(f.metric, f.details.threshold)} threshold for ${formatDuration(f.details.duration_seconds)} (worst ${formatValue(f.metric, f.details.worst)})`;
      case 'forecast':
        return `forecast to cross the ${formatValue(f.metric, f.expected ?? 0)} threshold in ${round(f.details.eta_hours, 1)} h`;
      case 'leak':
        return `memory growing ${round(f.details.slope_mb_per_hour, 1)} MB per hour${f.details.eta_hours !== null ? `, at its limit in ${round(f.details.eta_hours, 1)} h` : ''}`;
      case 'offline':
        return `no sample or check for ${formatDuration(f.details.silent_seconds)}`;
      case 'trend':
        return `changing ${formatValue(f.metric, Math.abs(f.details.slope_per_hour))} per hour (${formatValue(f.metric, Math.abs(f.details.change))} over the trend window)`;
      case 'bottleneck':
        return 'it holds up the rest of the fleet';
      default:
        break;
    }
  }
  const anomalies = serious.filter((f) => f.kind === 'anomaly');
  const longest = Math.max(0, ...anomalies.map((f) => (f.kind === 'anomaly' ? f.details.points.length : 0)));
  if (longest >= SUSTAINED_PERIODS) return `unusual for ${longest} five-minute periods`;
  if (anomalies.length >= RECURRING_EPISODES) return `unusual ${anomalies.length} times in the analysis window`;
  return undefined;
}

function formatDuration(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${round(seconds / 3600, 1)} h`;
}

function draftFor(fingerprint: Fingerprint, family: ProblemFamily, group: Finding[], why: string): Proposal {
  const playbook = PLAYBOOKS[family];
  group.sort((a, b) => PRIORITY_RANK[priorityOfFinding(b)] - PRIORITY_RANK[priorityOfFinding(a)] || Date.parse(b.updated_at) - Date.parse(a.updated_at));
  const latest = group[0]!;
  const agents = [...new Set(group.flatMap((f) => [f.agent_name, ...(f.kind === 'trend' ? (f.details.agents ?? []) : [])]).filter((a): a is string => !!a))];
  const agent = latest.metric.startsWith('host_') ? 'the host' : (latest.agent_name ?? 'the fleet');
  const active = group.some((f) => f.details.active === true);
  const severity = group.some((f) => f.severity === Severity.critical) ? Severity.critical : latest.severity;
  const priority = group.map(priorityOfFinding).reduce((a, b) => (PRIORITY_RANK[b] > PRIORITY_RANK[a] ? b : a));
  const value = latest.value ?? 0;
  const metric = latest.metric;
  const outcome = expectedOutcome(latest, agent, value);
  const change = versionChangeOf(group);
  const evidenceText = group
    .slice(0, 3)
    .map((f) => f.message)
    .join('. ');
  return {
    active,
    value,
    severity,
    episodes: group.map((f) => ({ id: f.id, started_at: f.started_at })),
    draft: {
      type: playbook.type,
      priority,
      title: playbook.title(agent),
      description: `Why now: ${why}. ${evidenceText}.${group.length > 3 ? ` (${group.length - 3} more findings.)` : ''}`,
      affected_components: agents,
      estimated_impact: {
        metric,
        current_value: value,
        threshold: latest.expected,
        target_value: outcome.target,
        expected_change: outcome.change,
        affected_agents: agents,
        still_occurring: active,
        evidence_kinds: [...new Set(group.map((f) => f.kind))],
        why_now: why,
        ...(change && { caused_by_change: { agent: latest.agent_name!, metric, ...change } }),
      },
      implementation_plan: {
        owner: playbook.owner,
        steps: change ? [...changeSteps(latest.agent_name!, metric, change), ...playbook.steps] : playbook.steps,
        verification: outcome.verification,
        evidence_window: { from: formatTime(Math.min(...group.map((f) => Date.parse(f.started_at)))), to: latest.ended_at },
      },
      confidence: confidenceOf(group),
      fingerprint,
      problem_family: family,
      evidence: group.map((f) => f.id),
    },
  };
}

/** A shift that followed a version change starts with that change: compare, then roll back if it does not explain itself. */
function changeSteps(agent: string, metric: string, change: ChangeAttribution): string[] {
  const label = METRIC_LABEL[metric as keyof typeof METRIC_LABEL] ?? metric;
  return [
    `Compare ${change.to_version} with ${change.from_version} (code, prompts, configuration, dependencies) for what moves the ${label} of ${agent}; it changed ${change.minutes_after === 0 ? 'right after' : `${change.minutes_after} min after`} ${agent} began running ${change.to_version} at ${change.changed_at}.`,
    `If the cause is not found and fixed quickly, roll ${agent} back to ${change.from_version} and check that its ${label} returns to ${formatValue(metric, change.before)}.`,
  ];
}

/**
 * What the fix should achieve, in the finding's own terms: back past the level where a breach
 * ends (the clear level, not the threshold itself); reporting again for a silent agent;
 * memory that stops growing for a leak.
 */
function expectedOutcome(f: Finding, agent: string, value: number): { target: number | null; change: string; verification: string } {
  const metric = f.metric;
  if (f.kind === 'offline') {
    return {
      target: null,
      change: `${agent} reports again (silent for ${Math.round(value)} s; offline after ${f.expected} s)`,
      verification: `${agent} reports at its usual rate for 30 minutes after the change`,
    };
  }
  if (metric === 'memory_usage' && (f.kind === 'leak' || f.kind === 'trend')) {
    const slope = f.kind === 'leak' ? ` (now growing ${round(f.details.slope_mb_per_hour, 1)} MB per hour)` : '';
    return {
      target: f.expected,
      change: `resident memory of ${agent} stops growing${slope}`,
      verification: `resident memory of ${agent} stays flat for several hours after the change`,
    };
  }
  const clearAt = f.kind === 'threshold' || f.kind === 'forecast' ? f.details.clear_at : f.expected;
  if (clearAt === null) {
    return { target: null, change: `${METRIC_LABEL[metric as keyof typeof METRIC_LABEL] ?? metric} of ${agent} back to normal`, verification: `${metric} of ${agent} back to normal for 30 minutes after the change` };
  }
  const lowerIsWorse = metric === 'success_rate';
  return {
    target: clearAt,
    change: `${METRIC_LABEL[metric as keyof typeof METRIC_LABEL] ?? metric} from ${formatValue(metric, value)} to ${lowerIsWorse ? 'above' : 'under'} ${formatValue(metric, clearAt)}`,
    verification: `${metric} of ${agent} stays ${lowerIsWorse ? 'above' : 'under'} ${formatValue(metric, clearAt)} for 30 minutes after the change`,
  };
}

/**
 * Confidence grows with the evidence: how many points the findings rest on, how strong the
 * strongest is in its detector's terms, how many different detectors agree, and how many
 * episodes show the problem.
 */
function confidenceOf(group: Finding[]): number {
  // Kinds that count their points; an anomaly (which lists its buckets) or a bottleneck counts as one.
  const points = group.reduce((sum, f) => sum + ('points' in f.details && typeof f.details.points === 'number' ? f.details.points : 1), 0);
  const strength = Math.max(...group.map(strengthOf));
  const kinds = new Set(group.map((f) => f.kind)).size;
  const c =
    0.45 + 0.2 * Math.min(1, points / 20) + 0.15 * strength + 0.1 * Math.min(1, (kinds - 1) / 2) + 0.05 * Math.min(1, (group.length - 1) / 2);
  return round(Math.min(0.99, c), 3);
}
