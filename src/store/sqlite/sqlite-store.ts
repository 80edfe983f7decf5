import path from 'node:path';
import { statSync } from 'node:fs';
import type { Store, StoreInfo } from '../store.js';
import { createAgentRepo } from './agent-repo.js';
import { createDeliveryRepo, createNotificationStateRepo } from './delivery-repo.js';
import { createFindingRepo } from './finding-repo.js';
import { createImprovementRepo } from './improvement-repo.js';
import { createMaintenanceRepo } from './maintenance-repo.js';
import { createMonitoringSwitchRepo } from './monitoring-switch-repo.js';
import { createOtlpStreamRepo } from './otlp-stream-repo.js';
import { createSilenceRepo } from './silence-repo.js';
import { createMaintenanceWindowRepo } from './maintenance-window-repo.js';
import { createAgentEventRepo } from './agent-event-repo.js';
import { openDb, schemaVersion, type OpenDbOptions } from './open-db.js';
import { createRollupRepo } from './rollup-repo.js';
import { createSampleRepo } from './sample-repo.js';
import { createWindowAggregates } from './window-aggregates.js';
import { startCheckpointer } from './checkpointer.js';
import { createInlineSampleWriter, startSampleWriter } from './sample-writer.js';
import { withStorageErrors } from './storage-errors.js';
import { createSystemMetricsRepo } from './system-metrics-repo.js';
import { sharedCell } from './shared-cell.js';

const COUNTED_TABLES = ['agents', 'agent_performance_history', 'system_metrics', 'system_improvements', 'findings'];

export interface SqliteStoreOptions extends OpenDbOptions {
  /**
   * Write samples (with group commits) and checkpoint the WAL on threads of their own instead of
   * on the main thread (the server does; tests may not need the threads).
   */
  backgroundThreads?: boolean;
  /** How often the checkpoint thread checkpoints (default 1 s). */
  checkpointIntervalMs?: number;
  /** A WAL file grown past this under a burst is truncated once writes pause (default 64 MB). */
  walKeepBytes?: number;
  onThreadError?: (message: string) => void;
}

export function createSqliteStore(file: string, options: SqliteStoreOptions = {}): Store {
  const db = openDb(file, options);
  const threads = options.backgroundThreads === true && file !== ':memory:';
  // The checkpoint thread asks the writer, through this flag, to finish a checkpoint between two groups.
  const catchUp = sharedCell();
  const checkpointer = threads
    ? startCheckpointer(db, file, { intervalMs: options.checkpointIntervalMs, onError: options.onThreadError, countTables: COUNTED_TABLES, catchUp, walKeepBytes: options.walKeepBytes })
    : undefined;
  const writer = threads ? startSampleWriter(db, file, { synchronous: options.synchronous, onError: options.onThreadError, catchUp }) : createInlineSampleWriter(db);
  // The writer thread holds the write lock much of the time under load: the main connection's
  // writes find it taken at once and wait outside SQLite (withStorageErrors), never blocking the event loop.
  if (threads) db.pragma('busy_timeout = 0');
  let closed = false;
  const windows = createWindowAggregates(db);
  return {
    samples: withStorageErrors(createSampleRepo(db, windows, writer), writer.lockWaiters),
    agents: withStorageErrors(createAgentRepo(db), writer.lockWaiters),
    systemMetrics: withStorageErrors(createSystemMetricsRepo(db), writer.lockWaiters),
    improvements: withStorageErrors(createImprovementRepo(db), writer.lockWaiters),
    findings: withStorageErrors(createFindingRepo(db), writer.lockWaiters),
    rollups: withStorageErrors(createRollupRepo(db, writer), writer.lockWaiters),
    maintenance: withStorageErrors(createMaintenanceRepo(db, file, windows.pruned), writer.lockWaiters),
    deliveries: withStorageErrors(createDeliveryRepo(db), writer.lockWaiters),
    notificationState: withStorageErrors(createNotificationStateRepo(db), writer.lockWaiters),
    monitoring: withStorageErrors(createMonitoringSwitchRepo(db), writer.lockWaiters),
    otlpStreams: withStorageErrors(createOtlpStreamRepo(db), writer.lockWaiters),
    silences: withStorageErrors(createSilenceRepo(db), writer.lockWaiters),
    maintenanceWindows: withStorageErrors(createMaintenanceWindowRepo(db), writer.lockWaiters),
    agentEvents: withStorageErrors(createAgentEventRepo(db), writer.lockWaiters),
    analysisSource: () => ({ engine: 'sqlite', file }),
    identity: async () => `sqlite:${path.resolve(file)}`,
    async info(): Promise<StoreInfo> {
      // With the checkpoint thread, its latest count (a COUNT reads a whole index: seconds for a large database).
      const counted = checkpointer
        ? checkpointer.counts()
        : { rows: Object.fromEntries(COUNTED_TABLES.map((table) => [table, db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number])), at: new Date().toISOString() };
      return {
        engine: 'sqlite',
        path: file,
        schema_version: schemaVersion(db),
        size_bytes: fileSize(file),
        wal_bytes: fileSize(`${file}-wal`),
        journal_mode: String(db.pragma('journal_mode', { simple: true })),
        rows: counted?.rows ?? {},
        rows_counted_at: counted?.at ?? null,
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      await writer.close();
      await checkpointer?.stop();
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
    },
  };
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}
