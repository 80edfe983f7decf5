import type { AnalysisSource } from './analysis-source.js';
import type { ProblemFamily } from '../domain/problem.js';
import type { RawRow, RollupRow } from '../domain/analysis-rows.js';
import type { AgentRecord } from '../domain/agent.js';
import type { ImprovementStatus } from '../domain/enums.js';
import type { Finding, FindingRecord } from '../domain/finding.js';
import type { WindowAggregate } from '../domain/health.js';
import type { Improvement, ImprovementDraft, ImprovementEvent } from '../domain/improvement.js';
import type { VersionChange } from '../domain/version.js';
import type { ReportSummary } from '../domain/report.js';
import type { AgentSample } from '../domain/sample.js';
import type { StreamAdvance, StreamMark } from '../domain/otlp-stream.js';
import type { SystemMetrics } from '../domain/system-metrics.js';
import type { Silence, SilenceEvent } from '../domain/silence.js';
import type { AgentEvent } from '../domain/agent-event.js';
import type { MaintenanceWindow } from '../domain/maintenance-window.js';

/**
 * What the services need from persistence. Every method returns a Promise even over
 * SQLite, so a PostgreSQL store can be added without touching the services.
 */
export interface Store {
  samples: SampleRepo;
  agents: AgentRepo;
  systemMetrics: SystemMetricsRepo;
  improvements: ImprovementRepo;
  findings: FindingRepo;
  rollups: RollupRepo;
  maintenance: MaintenanceRepo;
  deliveries: DeliveryRepo;
  notificationState: NotificationStateRepo;
  monitoring: MonitoringSwitchRepo;
  otlpStreams: OtlpStreamRepo;
  silences: SilenceRepo;
  maintenanceWindows: MaintenanceWindowRepo;
  agentEvents: AgentEventRepo;
  /**
   * Reports kept in the database, where several replicas share it (PostgreSQL): every replica
   * lists and serves them. Absent for SQLite, whose single process keeps them as files only.
   */
  reports?: ReportRepo;
  info(): Promise<StoreInfo>;
  /** The same for every process using this database, and only for them: replicas' shared name (e.g. their Redis channels). */
  identity(): Promise<string>;
  /** Where the analysis worker reads this store's data from. */
  analysisSource(): AnalysisSource;
  /** Flushes, checkpoints and closes; later calls fail. */
  close(): Promise<void>;
}

export interface StoredSample extends AgentSample {
  id: number;
}

export interface SampleQuery {
  agentName?: string | undefined;
  sinceIso: string;
  limit: number;
}

export interface SampleRepo {
  /**
   * Stores the batch and registers its agents in one transaction. `alive: false` (a failed
   * pull check) records the samples without counting them as signs of life for last_seen.
   * `streams` are stored with them, each only if still at its expected mark: if one moved,
   * nothing is stored and the error's code is STREAM_MOVED (domain/otlp-stream.ts).
   */
  insert(samples: AgentSample[], receivedAt: string, options?: { alive?: boolean; streams?: readonly StreamAdvance[] }): Promise<void>;
  /** Newest first. */
  list(query: SampleQuery): Promise<StoredSample[]>;
  /** Every agent's samples at or after sinceIso, grouped by agent, oldest first. */
  byAgentSince(sinceIso: string): Promise<Map<string, AgentSample[]>>;
  /** One agent's samples in [fromIso, toIso), oldest first (at most `limit`). */
  between(agentName: string, fromIso: string, toIso: string, limit: number): Promise<StoredSample[]>;
  /** Per-agent sums and means over samples at or after sinceIso. */
  windowAggregates(sinceIso: string): Promise<Map<string, WindowAggregate>>;
  /** The versions agents began running at or after sinceIso (from the samples' `version`), oldest first. */
  versionChanges(query: { agentName?: string; sinceIso: string; limit: number }): Promise<VersionChange[]>;
}

/** Cumulative OpenTelemetry streams' last counted points; written only with samples (SampleRepo.insert). */
export interface OtlpStreamRepo {
  /** The stored marks of those of `keys` that have one. */
  marks(keys: readonly string[]): Promise<Map<string, StreamMark>>;
}

export interface AgentRepo {
  list(): Promise<AgentRecord[]>;
  get(name: string): Promise<AgentRecord | undefined>;
  /** Removes the registry entry; answers what it was. */
  remove(name: string): Promise<AgentRecord | undefined>;
  /** Removes every agent last seen before `beforeIso`, except those named in `keep`; answers them. */
  retireUnseen(beforeIso: string, keep: readonly string[]): Promise<AgentRecord[]>;
  /** Registers the named agents the registry does not hold yet, as configured at `at` and not yet heard from. */
  register(names: readonly string[], at: string): Promise<void>;
  /** Which of `names` the registry does not hold. */
  unknown(names: readonly string[]): Promise<string[]>;
  /** How many agents were registered after `sinceIso`, and the earliest such registration. */
  registeredSince(sinceIso: string): Promise<{ count: number; earliest: string | null }>;
}

export interface SystemMetricsRepo {
  insert(snapshot: SystemMetrics): Promise<SystemMetrics>;
  /** Newest first. */
  list(sinceIso: string, limit: number): Promise<SystemMetrics[]>;
  latest(): Promise<SystemMetrics | undefined>;
}

/** Columns a transition or patch may set. */
export type ImprovementPatch = Partial<
  Omit<Improvement, 'id' | 'created_at' | 'updated_at' | 'fingerprint' | 'problem_family' | 'type' | 'title' | 'follow_up_of'>
>;

export interface TransitionRequest {
  id: string;
  from: readonly ImprovementStatus[];
  to: ImprovementStatus;
  actor: string;
  reason: string | null;
  at: string;
  /** Only when this worker holds the lease. */
  leaseOwner?: string;
  /** Columns set together with the status, e.g. decided_by. */
  patch?: ImprovementPatch;
}

export type TransitionResult =
  | { ok: true; improvement: Improvement }
  | { ok: false; current: ImprovementStatus | null };

export interface ImprovementRepo {
  /** A new pending suggestion; a conflict (AppError) when one for the same problem (fingerprint) is still open. */
  create(draft: ImprovementDraft, at: string, actor: string): Promise<Improvement>;
  get(id: string): Promise<Improvement | undefined>;
  /** Newest first; all statuses when status is undefined. */
  list(status?: ImprovementStatus): Promise<Improvement[]>;
  countByStatus(): Promise<Record<ImprovementStatus, number>>;
  /**
   * Moves one improvement to `to` only if its status is one of `from` (and, when given, the
   * lease is held by leaseOwner), atomically, and records the change in the audit trail. Of
   * concurrent callers exactly one wins.
   */
  transition(request: TransitionRequest): Promise<TransitionResult>;
  /** Sets columns without a status change; with a guard, only if status (and lease owner) match. */
  patch(id: string, patch: ImprovementPatch, at: string, guard?: { status: ImprovementStatus; leaseOwner?: string }): Promise<Improvement | undefined>;
  events(id: string): Promise<ImprovementEvent[]>;
  /** The audit trail across improvements, newest first. */
  eventsSince(sinceIso: string, limit: number): Promise<ImprovementEvent[]>;
  /** The newest improvement raised for this problem, whatever its status. */
  latestByFingerprint(fingerprint: string): Promise<Improvement | undefined>;
  /** In progress with a lease that ran out before nowIso. */
  expiredLeases(nowIso: string): Promise<Improvement[]>;
  /** Completed at or before iso and not yet verified. */
  completedBefore(iso: string): Promise<Improvement[]>;
  /**
   * Records `actor`'s approval of a pending improvement toward its quorum (once per actor: a
   * second is not counted) with an audit row (pending → pending); answers every approval so far,
   * or the status when it is not pending (nothing recorded).
   */
  addApproval(request: { id: string; actor: string; at: string; reason: string | null; required: number }): Promise<{ ok: true; approvals: Approval[] } | { ok: false; current: ImprovementStatus | null }>;
  /** The approvals recorded toward an improvement's quorum, oldest first. */
  approvals(id: string): Promise<Approval[]>;
  /** How the verified improvements of one problem family (fingerprint without its agent) turned out. */
  trackRecord(family: ProblemFamily): Promise<{ improved: number; no_effect: number; regressed: number }>;
}

export interface SilenceRepo {
  /** Stores a new silence with its `created` audit row, in one transaction. */
  create(silence: Silence, event: SilenceEvent): Promise<void>;
  get(id: string): Promise<Silence | undefined>;
  /** Silences not ended at nowIso (active and pending), soonest end first. */
  current(nowIso: string): Promise<Silence[]>;
  /** Silences ended at nowIso, the latest end first. */
  ended(nowIso: string, limit: number): Promise<Silence[]>;
  /**
   * Sets its end (and start, for one not begun) with its audit row, only if it has not ended by
   * `event.at`: undefined when it had (or is unknown).
   */
  reschedule(id: string, times: { startsAt: string; endsAt: string }, event: SilenceEvent): Promise<Silence | undefined>;
  /** The audit trail of one silence, oldest first. */
  events(id: string): Promise<SilenceEvent[]>;
}

/** Maintenance windows; each change is stored with its audit row (SilenceEvent, by the window's id) in one transaction. */
export interface MaintenanceWindowRepo {
  create(window: MaintenanceWindow, event: SilenceEvent): Promise<void>;
  /** Replaces it; undefined when there is none with its id. */
  update(window: MaintenanceWindow, event: SilenceEvent): Promise<MaintenanceWindow | undefined>;
  /** Removes it, keeping the audit trail; false when there was none. */
  delete(id: string, event: SilenceEvent): Promise<boolean>;
  get(id: string): Promise<MaintenanceWindow | undefined>;
  /** By name. */
  list(): Promise<MaintenanceWindow[]>;
}

export interface AgentEventRepo {
  /** Stores the event; answers it with its id. */
  record(event: Omit<AgentEvent, 'id'>): Promise<AgentEvent>;
  /** Events at or after sinceIso, newest first, of one agent or all. */
  list(query: { agentName?: string | undefined; sinceIso: string; limit: number }): Promise<AgentEvent[]>;
}

/** One operator's approval toward a quorum (policies.requireApprovals). */
export interface Approval {
  actor: string;
  at: string;
  reason: string | null;
}

/** The audit trail's words for an approval toward a quorum. */
export const approvalNote = (count: number, required: number, reason: string | null) => `approval ${count} of ${required}${reason ? `: ${reason}` : ''}`;

export interface FindingQuery {
  kind?: string | undefined;
  agentName?: string | undefined;
  metric?: string | undefined;
  sinceIso: string;
  limit: number;
}

export interface FindingRepo {
  /** Inserts new episodes and updates the ones already stored (same episode_key). */
  upsert(findings: FindingRecord[], at: string): Promise<Finding[]>;
  /** Newest first by ended_at. */
  list(query: FindingQuery): Promise<Finding[]>;
}

export interface StoreInfo {
  engine: 'sqlite' | 'postgres';
  /** The database file, or the PostgreSQL URL without its password. */
  path: string;
  schema_version: number;
  size_bytes: number;
  /** SQLite's WAL file; 0 for PostgreSQL, whose WAL is the server's own. */
  wal_bytes: number;
  /** SQLite's journal mode ("wal"), or "postgres". */
  journal_mode: string;
  /** Rows per table: counted on a background thread when there is one (a count reads a whole index), else now. */
  rows: Record<string, number>;
  /** When `rows` was counted; null until the first count. */
  rows_counted_at: string | null;
}

/** Bucket sizes of the rollups, in seconds. */
export const ROLLUP_RESOLUTIONS = [300, 3600] as const;
export type RollupResolution = (typeof ROLLUP_RESOLUTIONS)[number];

/** A rollup bucket in the shape of a sample: means (sums for counts), the bucket start as timestamp, no id or source. */
export type RolledSample = Omit<AgentSample, 'source' | 'version'> & { id: null; source: null; version: null; samples: number };

/** A rollup bucket of snapshots: means; window_seconds is the bucket size; no id. */
export type RolledSystemMetrics = Omit<SystemMetrics, 'id'> & { id: null; samples: number };

export interface RollupQuery {
  resolution: RollupResolution;
  sinceIso: string;
  limit: number;
}

export interface RollupRepo {
  /** Folds the rows stored since the last call into their 5-minute and hourly buckets. */
  update(): Promise<{ samples: number; snapshots: number }>;
  agentSeries(query: RollupQuery & { agentName?: string | undefined }): Promise<RolledSample[]>;
  systemSeries(query: RollupQuery): Promise<RolledSystemMetrics[]>;
}

export interface PruneCutoffs {
  /** Raw samples and snapshots before this go (only once rolled up). */
  rawBeforeIso: string;
  fiveMinuteBeforeIso: string;
  hourlyBeforeIso: string;
  findingsBeforeIso: string;
}

export interface MaintenanceRepo {
  /** Deletes what is past its age in small transactions, so no single one stalls the process. */
  prune(cutoffs: PruneCutoffs): Promise<Record<string, number>>;
  /** Checkpoints and truncates the WAL; answers its size before and after. */
  checkpoint(): Promise<{ wal_bytes_before: number; wal_bytes_after: number }>;
}

/**
 * What the analysis worker reads, on its own connection (opened by store/analysis-source.ts):
 * agents, raw rows by id (so each run reads only what is new), rollups to start from, and the
 * host's snapshots.
 */
export interface AnalysisReader {
  agents(): Promise<AgentRecord[]>;
  /**
   * What a first run seeds its state from, read as one snapshot so no fold step lands between
   * the reads: the rollup cursor (rows up to it are in the rollups), the raw rows since
   * `rawSinceIso` up to the cursor, and the 5-minute and hourly buckets since their starts.
   */
  seed(since: { rawSinceIso: string; fiveMinuteSinceIso: string; hourlySinceIso: string }): Promise<{
    cursor: number;
    raw: RawRow[];
    fiveMinute: RollupRow[];
    hourly: RollupRow[];
  }>;
  samplesAfter(afterId: number, limit: number): Promise<RawRow[]>;
  hostSince(sinceIso: string): Promise<Array<{ timestamp: string; system_cpu_usage: number | null; system_memory_usage: number | null }>>;
  /** Versions agents began running at or after sinceIso, oldest first. */
  versionChanges(sinceIso: string): Promise<VersionChange[]>;
  close(): Promise<void>;
}

/** One attempt to deliver a webhook or a notification. */
export interface DeliveryAttempt {
  kind: 'assignment' | 'notification';
  target: string;
  subject: string;
  attempt: number;
  at: string;
  ok: boolean;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

export interface DeliverySummary {
  target: string;
  kind: string;
  delivered: number;
  failed: number;
  last_error: string | null;
  last_failure_at: string | null;
}

export interface DeliveryRepo {
  record(attempt: DeliveryAttempt): Promise<void>;
  /** Newest first. */
  list(sinceIso: string, limit: number): Promise<Array<DeliveryAttempt & { id: number }>>;
  summary(sinceIso: string): Promise<DeliverySummary[]>;
}

export interface ReportRepo {
  /** Stores a report under its file name (again: replaced). */
  save(report: { filename: string; summary: ReportSummary; body: unknown }): Promise<void>;
  /** Newest first. */
  list(): Promise<ReportSummary[]>;
  get(filename: string): Promise<unknown | undefined>;
  /** Keeps the newest `keep`; answers the names removed. */
  prune(keep: number): Promise<string[]>;
}

/** Whether the monitoring jobs run, as control/start or control/stop last set it: one switch for every replica, kept across restarts. */
export interface MonitoringSwitch {
  active: boolean;
  changed_at: string;
  changed_by: string;
}

export interface MonitoringSwitchRepo {
  /** Undefined until someone first sets it (monitoring then runs). */
  get(): Promise<MonitoringSwitch | undefined>;
  set(state: MonitoringSwitch): Promise<void>;
}

/** Per problem key: its last announced state, when, and its recent state changes (for flapping). */
export interface NotificationState {
  key: string;
  state: string;
  last_sent_at: string | null;
  changes: string[];
  flapping: boolean;
}

export interface NotificationStateRepo {
  get(key: string): Promise<NotificationState | undefined>;
  /**
   * Stores `next` only if the key's state is still `expected` (undefined: none stored), and
   * answers whether it did: false means another writer (another replica) changed it first.
   */
  replace(expected: NotificationState | undefined, next: NotificationState): Promise<boolean>;
}
