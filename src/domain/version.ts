/** An agent began running `to` at `at` (its first sample with that version); `from` ran before, null for the first version seen. */
export interface VersionChange {
  agent_name: string;
  at: string;
  from: string | null;
  to: string;
}

/** A finding's metric shifted soon after its agent changed version: the numbers that say so. */
export interface ChangeAttribution {
  from_version: string;
  to_version: string;
  changed_at: string;
  /** From the change to the start of the finding's episode (0 when it began in the same 5 minutes). */
  minutes_after: number;
  /** The metric's mean in the window before the change, and since it. */
  before: number;
  after: number;
  /** e.g. "error rate rose from 1.2 % to 9.8 % within 6 minutes of the change from 1.4.2 to 1.5.0". */
  sentence: string;
}
