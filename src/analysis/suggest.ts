import { Priority, Severity } from '../domain/enums.js';
import type { Finding } from '../domain/finding.js';
import type { ImprovementDraft } from '../domain/improvement.js';
import { formatTime, formatValue, METRIC_LABEL, round } from './format.js';
import { PLAYBOOKS } from './playbooks.js';

/** A problem the analysis wants a suggestion for, with the findings that show it. */
export interface Proposal {
  draft: ImprovementDraft;
  /** True while any of its findings is still going on. */
  active: boolean;
  /** The headline value, compared with the rejected one to judge "clearly worse". */
  value: number;
  severity: Severity;
}

/** Same agent, same metric, same bad direction: the same problem, whichever detector saw it. */
export function problemKey(f: Pick<Finding, 'agent_name' | 'metric' | 'kind' | 'details'>): string {
  const family = familyOf(f);
  return `${f.agent_name ?? 'fleet'}:${family}`;
}

function familyOf(f: Pick<Finding, 'metric' | 'kind' | 'details'>): string {
  if (f.kind === 'offline') return 'availability:silent';
  const direction = f.details.direction === 'below' || f.metric === 'success_rate' ? 'low' : 'high';
  return `${f.metric}:${direction}`;
}

/** Groups findings by problem and drafts one suggestion for each. */
export function proposeImprovements(findings: readonly Finding[]): Proposal[] {
  const groups = new Map<string, Finding[]>();
  for (const finding of findings) {
    const key = problemKey(finding);
    const group = groups.get(key);
    if (group) group.push(finding);
    else groups.set(key, [finding]);
  }
  const proposals: Proposal[] = [];
  for (const [fingerprint, group] of groups) {
    const playbook = PLAYBOOKS[familyOf(group[0]!)];
    if (!playbook) continue;
    proposals.push(draftFor(fingerprint, group, playbook));
  }
  return proposals;
}

function draftFor(fingerprint: string, group: Finding[], playbook: (typeof PLAYBOOKS)[string]): Proposal {
  group.sort((a, b) => Date.parse(b.ended_at) - Date.parse(a.ended_at));
  const latest = group[0]!;
  const agent = latest.agent_name ?? 'the fleet';
  const active = group.some((f) => f.details.active === true);
  const severity = group.some((f) => f.severity === Severity.critical) ? Severity.critical : latest.severity;
  const value = latest.value ?? 0;
  const target = typeof latest.details.clear_at === 'number' ? latest.details.clear_at : latest.expected;
  const metric = latest.metric;
  const evidenceText = group
    .slice(0, 3)
    .map((f) => f.message)
    .join('. ');
  return {
    active,
    value,
    severity,
    draft: {
      type: playbook.type,
      priority: priorityOf(severity, active),
      title: playbook.title(agent),
      description: `${evidenceText}.${group.length > 3 ? ` (${group.length - 3} more findings.)` : ''}`,
      affected_components: [...new Set(group.map((f) => f.agent_name).filter((a): a is string => a !== null))],
      estimated_impact: {
        metric,
        current_value: value,
        threshold: latest.expected,
        target_value: target,
        expected_change:
          target !== null && target !== undefined
            ? `${METRIC_LABEL[metric as keyof typeof METRIC_LABEL] ?? metric} from ${formatValue(metric, value)} to ${formatValue(metric, target)} or better`
            : null,
        affected_agents: latest.agent_name ? [latest.agent_name] : [],
        still_occurring: active,
      },
      implementation_plan: {
        owner: playbook.owner,
        steps: playbook.steps,
        verification:
          target !== null && target !== undefined
            ? `${metric} of ${agent} stays ${metric === 'success_rate' ? 'above' : 'under'} ${formatValue(metric, target)} for 30 minutes after the change`
            : `${agent} reports normally for 30 minutes after the change`,
        evidence_window: { from: formatTime(Math.min(...group.map((f) => Date.parse(f.started_at)))), to: latest.ended_at },
      },
      confidence: confidenceOf(group),
      fingerprint,
      evidence: group.map((f) => f.id),
    },
  };
}

/** critical and still on: critical; warning and still on: high; over: medium. */
function priorityOf(severity: Severity, active: boolean): Priority {
  if (!active) return Priority.medium;
  if (severity === Severity.critical) return Priority.critical;
  if (severity === Severity.warning) return Priority.high;
  return Priority.low;
}

/**
 * Confidence grows with the evidence: how many points the findings rest on, how far past
 * the threshold they went, and whether more than one episode shows the problem.
 */
function confidenceOf(group: Finding[]): number {
  const points = group.reduce((sum, f) => sum + (typeof f.details.points === 'number' ? f.details.points : 1), 0);
  const strength = Math.max(...group.map((f) => Math.min(1, f.score)));
  const c = 0.5 + 0.25 * Math.min(1, points / 20) + 0.15 * strength + 0.05 * Math.min(1, (group.length - 1) / 2);
  return round(Math.min(0.99, c), 3);
}
