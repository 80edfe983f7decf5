import type { FindingKind, Severity } from './enums.js';

/** One thing the analysis noticed, with the values that prove it. */
export interface Finding {
  id: number;
  kind: FindingKind;
  agent_name: string | null;
  metric: string;
  severity: Severity;
  score: number;
  started_at: string;
  ended_at: string;
  value: number | null;
  expected: number | null;
  message: string;
  details: Record<string, unknown>;
  /** Identifies the episode (e.g. one breach): later runs that see it again update this row. */
  episode_key: string;
  created_at: string;
  updated_at: string;
}

export type FindingDraft = Omit<Finding, 'id' | 'created_at' | 'updated_at'>;
