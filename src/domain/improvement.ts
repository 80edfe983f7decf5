import type { ImprovementStatus, ImprovementType, Priority } from './enums.js';

/** An improvement suggestion, in the REST contract's shape (the seed's columns first). */
export interface Improvement {
  id: string;
  type: ImprovementType;
  priority: Priority;
  title: string;
  description: string;
  affected_components: string[];
  estimated_impact: Record<string, unknown>;
  implementation_plan: Record<string, unknown>;
  confidence: number;
  created_at: string;
  status: ImprovementStatus;
  assigned_agent: string | null;
  completion_time: string | null;
  /** Identifies the problem, so a recurring problem updates one open suggestion. */
  fingerprint: string | null;
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
  | 'evidence'
>;

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

/** Allowed moves of the lifecycle (DESIGN.md, "How data flows"). */
export const IMPROVEMENT_TRANSITIONS: Record<ImprovementStatus, readonly ImprovementStatus[]> = {
  pending: ['approved', 'rejected'],
  approved: ['in_progress', 'rejected'],
  in_progress: ['completed', 'failed', 'approved'],
  rejected: [],
  completed: [],
  failed: [],
};
