import type { Thresholds } from '../domain/thresholds.js';
import type { AgentRecord } from '../domain/agent.js';
import type { FindingDraft } from '../domain/finding.js';
import type { VersionChange } from '../domain/version.js';
import type { Point } from './series.js';
import type { AnalysisState } from './state.js';

/** The analysis settings, plain data so they can cross into the analysis worker. */
export interface AnalysisSettings {
  thresholds: Thresholds;
  hysteresis: number;
  minBreachPoints: number;
  minBreachMs: number;
  offlineAfterMs: number;
  /** Per agent, when configured. */
  memoryLimitsMb: Record<string, number>;
  trendHours: number;
  trendSignificance: number;
  anomalyScore: number;
  anomalyHours: number;
  forecastHours: number;
  forecastHorizonHours: number;
  leakHours: number;
  bottleneckShare: number;
  /** A shift that begins this long after a version change is attributed to it; 0 turns that off. */
  changeWindowMinutes: number;
}

/** What every detector reads: the state the analysis keeps, the agents, the host, and `now`. */
export interface DetectorContext {
  now: number;
  agents: readonly AgentRecord[];
  state: AnalysisState;
  /** Host CPU and memory percent from the health snapshots, recent window. */
  host: { cpu: Point[]; memory: Point[] };
  settings: AnalysisSettings;
  /** Versions agents began running, oldest first, from before the oldest window on. */
  changes: readonly VersionChange[];
}

/** The analysis job runs every detector; the predictive-maintenance job the 'predictive' ones. */
export type DetectorGroup = 'analysis' | 'predictive';

export interface Detector {
  name: string;
  group: DetectorGroup;
  detect(context: DetectorContext): FindingDraft[];
}
