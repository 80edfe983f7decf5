import { Priority, Severity } from '../domain/enums.js';
import type { Finding, FindingDraft } from '../domain/finding.js';
import type { Improvement } from '../domain/improvement.js';
import { familyOfFinding, parseFingerprint, ProblemFamily } from '../domain/problem.js';
import type { Labels } from '../domain/silence.js';
import { PLAYBOOKS } from './playbooks.js';

/** How urgent a notice about a suggestion of this priority is. */
export const SEVERITY_OF_PRIORITY: Record<Priority, Severity> = {
  critical: Severity.critical,
  high: Severity.warning,
  medium: Severity.info,
  low: Severity.info,
};

/** A finding's labels; `type` is the type of suggestion its problem would raise. */
export function findingLabels(f: Pick<Finding | FindingDraft, 'agent_name' | 'metric' | 'kind' | 'severity'>): Labels {
  const family = familyOfFinding(f);
  return { agent: f.agent_name ?? '', metric: f.metric, kind: f.kind, severity: f.severity, ...(family ? { type: PLAYBOOKS[family].type } : {}) };
}

/**
 * A suggestion's labels, for matching its notices: its agent ('' for the fleet), metric, type
 * and the severity of its priority. Its kind is `offline` for an agent gone silent; a suggestion
 * drawn from several kinds of finding has none (the analysis matches those finding by finding).
 */
export function improvementLabels(i: Pick<Improvement, 'fingerprint' | 'affected_components' | 'estimated_impact' | 'type' | 'priority' | 'problem_family'>): Labels {
  const subject = i.fingerprint ? parseFingerprint(i.fingerprint)?.subject : i.affected_components[0];
  return {
    agent: subject === undefined || subject === 'fleet' ? '' : subject,
    metric: i.estimated_impact.metric,
    type: i.type,
    severity: SEVERITY_OF_PRIORITY[i.priority],
    ...(i.problem_family === ProblemFamily.silent ? { kind: 'offline' } : {}),
  };
}
