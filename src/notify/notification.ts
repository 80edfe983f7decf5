import type { Severity } from '../domain/enums.js';
import type { Labels } from '../domain/silence.js';

/** Something people should hear about. `key` identifies the problem (and agent) for cooldown and flapping. */
export interface Notification {
  key: string;
  state: 'problem' | 'resolved' | 'flapping' | 'digest';
  severity: Severity;
  title: string;
  text: string;
  agent: string | null;
  at: string;
  link: string | null;
  /** What silences and inhibition rules match against (none: nothing matches it). */
  labels?: Labels;
  /** Silences the sender already knows hide it (the analysis's, for a suggestion's refresh). */
  silenced_by?: readonly string[];
}

export const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };
