import type { Severity } from '../domain/enums.js';

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
}

export const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };
