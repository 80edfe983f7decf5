import type { ChangeAttribution } from './version.js';
import type { FindingKind, ImprovementStatus, ImprovementType, Priority } from './enums.js';
import type { Fingerprint, ProblemFamily } from './problem.js';

/** An improvement suggestion, in the REST contract's shape (the seed's columns first). */
export interface Improvement {
  id: string;
  type: ImprovementType;
  priority: Priority;
  title: string;
  description: string;
  affected_components: string[];
  estimated_impact: EstimatedImpact;
  implementation_plan: Record<string, unknown>;
  confidence: number;
  created_at: string;
  status: ImprovementStatus;
  assigned_agent: string | null;
  completion_time: string | null;
  /** Identifies the problem, so a recurring problem updates one open suggestion. */
  fingerprint: Fingerprint | null;
  /** What kind of problem it is (latency, failures, …); the verification and the track record go by it. */
  problem_family: ProblemFamily | null;
  /** Ids of the findings that support the suggestion. */
  evidence: number[];
  occurrences: number;
  last_seen_at: string;
  updated_at: string;
  decided_by: string | null;
  decided_at: string | null;
  decision_reason: string | null;
  /** When the analysis last saw the problem gone while the suggestion was still open. */
  problem_cleared_at: string | null;
  /** Why it went to assigned_agent (the specialist role). */
  routing_reason: string | null;
  /** The worker holding it, and until when, while in progress. */
  lease_owner: string | null;
  lease_expires_at: string | null;
  claimed_at: string | null;
  /** What the worker reported on completion: a summary and the changes made. */
  result: WorkResult | null;
  failure_reason: string | null;
  /** The built-in performance analyst's deeper analysis, when it looked at it. */
  analysis: Record<string, unknown> | null;
  /** Whether the fix worked, judged from the metrics before and after. */
  outcome: Outcome | null;
  outcome_details: Record<string, unknown> | null;
  verified_at: string | null;
  /** The improvement whose regression raised this one. */
  follow_up_of: string | null;
}

/** What fixing the problem should achieve, in the numbers of the finding that shows it. */
export type EstimatedImpact = {
  /** The metric the problem is about (response_time, error_rate, availability, host_cpu, …). */
  metric: string;
  current_value: number;
  threshold: number | null;
  target_value: number | null;
  expected_change: string;
  affected_agents: string[];
  still_occurring: boolean;
  evidence_kinds: FindingKind[];
  /** Why it matters now: the distance to the threshold, the trend, the recurrences. */
  why_now?: string;
  /** How earlier fixes of this problem family turned out; it scales the confidence. */
  track_record?: { improved: number; no_effect: number; regressed: number; improved_share: number };
  /** The version change the problem began soon after: verification compares with the level before it. */
  caused_by_change?: ChangeAttribution & { agent: string; metric: string };
  /** On a follow-up: the verification verdict that showed the regression. */
  regression?: Record<string, unknown>;
};

export const Outcome = {
  improved: 'improved',
  no_effect: 'no_effect',
  regressed: 'regressed',
} as const;
export type Outcome = (typeof Outcome)[keyof typeof Outcome];

export interface WorkResult {
  summary: string;
  changes: Array<Record<string, unknown>>;
}

/** What the analysis proposes; the store assigns id, status and times. */
export type ImprovementDraft = Pick<
  Improvement,
  | 'type'
  | 'priority'
  | 'title'
  | 'description'
  | 'affected_components'
  | 'estimated_impact'
  | 'implementation_plan'
  | 'confidence'
  | 'fingerprint'
  | 'problem_family'
  | 'evidence'
> &
  Partial<Pick<Improvement, 'follow_up_of'>>;

/** One row of the audit trail: every status change, who made it, when and why. */
export interface ImprovementEvent {
  id: number;
  improvement_id: string;
  at: string;
  actor: string;
  from_status: ImprovementStatus | null;
  to_status: ImprovementStatus;
  reason: string | null;
}

/**
 * Every status move of an improvement, by verb: where it may start and where it ends
 * (DESIGN.md, "How data flows"). The lifecycle (coordination/lifecycle.ts) checks each move
 * against this table and nothing else changes a status.
 */
export const IMPROVEMENT_MOVES = {
  approve: { from: ['pending'], to: 'approved' },
  reject: { from: ['pending'], to: 'rejected' },
  claim: { from: ['approved'], to: 'in_progress' },
  /** Back on offer: handed on by a worker, or its lease ran out. */
  release: { from: ['in_progress'], to: 'approved' },
  complete: { from: ['in_progress'], to: 'completed' },
  fail: { from: ['in_progress'], to: 'failed' },
} as const satisfies Record<string, { from: readonly ImprovementStatus[]; to: ImprovementStatus }>;
export type ImprovementMove = keyof typeof IMPROVEMENT_MOVES;

/** The same table by status: where each status may go next. */
export const IMPROVEMENT_TRANSITIONS: Record<ImprovementStatus, readonly ImprovementStatus[]> = (() => {
  const next: Record<ImprovementStatus, ImprovementStatus[]> = { pending: [], approved: [], in_progress: [], rejected: [], completed: [], failed: [] };
  for (const { from, to } of Object.values(IMPROVEMENT_MOVES)) for (const status of from) next[status].push(to);
  return next;
})();
