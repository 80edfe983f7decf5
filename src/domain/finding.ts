import type { FindingKind, Severity } from './enums.js';
import type { ChangeAttribution } from './version.js';

/** The numbers behind a finding, by its kind; `active` says whether it is still going on. */
export type FindingDetailsByKind = {
  threshold: {
    direction: 'above' | 'below';
    threshold: number;
    /** Where the breach ends: the threshold with its hysteresis. */
    clear_at: number;
    points: number;
    worst: number;
    latest: number;
    duration_seconds: number;
    active: boolean;
    /** The version change the shift began soon after, if any. */
    version_change?: ChangeAttribution;
  };
  trend: {
    slope_per_hour: number;
    change: number;
    level: number;
    p_value: number;
    points: number;
    seasonal_adjusted: boolean;
    /** The agents of a fleet-wide trend. */
    agents?: string[];
    active: boolean;
    /** The version change the shift began soon after, if any. */
    version_change?: ChangeAttribution;
  };
  anomaly: {
    points: Array<{ timestamp: string; value: number; expected: number; lower: number; upper: number; score: number }>;
    active: boolean;
    /** The version change the shift began soon after, if any. */
    version_change?: ChangeAttribution;
  };
  forecast: {
    crossing_at: string;
    eta_hours: number;
    slope_per_hour: number;
    confidence: number;
    method: string;
    points: number;
    direction: 'above' | 'below';
    clear_at: number;
    active: boolean;
  };
  leak: {
    slope_mb_per_hour: number;
    p_value: number;
    restarts: number;
    masked_by_restarts: boolean;
    memory_limit_mb: number | null;
    eta_hours: number | null;
    points: number;
    active: boolean;
  };
  bottleneck:
    | { share: number; fleet_agents: number; active: boolean }
    | { correlation: number; saturated_share: number; baseline: number; recent: number; active: boolean };
  offline: { last_seen: string; silent_seconds: number; active: boolean };
};

interface FindingBase<K extends FindingKind> {
  id: number;
  kind: K;
  agent_name: string | null;
  metric: string;
  severity: Severity;
  score: number;
  started_at: string;
  ended_at: string;
  value: number | null;
  expected: number | null;
  message: string;
  details: FindingDetailsByKind[K];
  /** Identifies the episode (e.g. one breach): later runs that see it again update this row. */
  episode_key: string;
  /** The silences that covered this episode while the analysis saw it (it still counts for history and charts). */
  silenced_by: string[];
  created_at: string;
  updated_at: string;
}

/** One thing the analysis noticed, with the values that prove it; its details depend on its kind. */
export type Finding = { [K in FindingKind]: FindingBase<K> }[FindingKind];

/** A finding as a detector proposes it; the store assigns id and times. */
export type FindingDraft = { [K in FindingKind]: Omit<FindingBase<K>, 'id' | 'created_at' | 'updated_at' | 'silenced_by'> }[FindingKind];

/** A finding as stored: the draft with the silences that covered it (none when absent). */
export type FindingRecord = FindingDraft & { silenced_by?: string[] };
