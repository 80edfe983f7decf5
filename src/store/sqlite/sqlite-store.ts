import { statSync } from 'node:fs';
import type { Store, StoreInfo } from '../store.js';
import { createAgentRepo } from './agent-repo.js';
import { createDeliveryRepo, createNotificationStateRepo } from './delivery-repo.js';
import { createFindingRepo } from './finding-repo.js';
import { createImprovementRepo } from './improvement-repo.js';
import { createMaintenanceRepo } from './maintenance-repo.js';
import { openDb, schemaVersion, type OpenDbOptions } from './open-db.js';
import { createRollupRepo } from './rollup-repo.js';
import { createSampleRepo } from './sample-repo.js';
import { createWindowAggregates } from './window-aggregates.js';
import { startCheckpointer } from './checkpointer.js';
import { withStorageErrors } from './storage-errors.js';
import { createSystemMetricsRepo } from './system-metrics-repo.js';

const COUNTED_TABLES = ['agents', 'agent_performance_history', 'system_metrics', 'system_improvements', 'findings'];

export interface SqliteStoreOptions extends OpenDbOptions {
  /** Checkpoint the WAL from a worker thread instead of on commit (the server does; tests may not need the thread). */
  backgroundCheckpoints?: boolean;
  /** How often the worker checkpoints (default 1 s). */
  checkpointIntervalMs?: number;
  onCheckpointError?: (message: string) => void;
}

export function createSqliteStore(file: string, options: SqliteStoreOptions = {}): Store {
  const db = openDb(file, options);
  const checkpointer = options.backgroundCheckpoints && file !== ':memory:' ? startCheckpointer(db, file, options.checkpointIntervalMs ?? 1000, options.onCheckpointError) : undefined;
  let closed = false;
  const windows = createWindowAggregates(db);
  return {
    samples: withStorageErrors(createSampleRepo(db, windows)),
    agents: withStorageErrors(createAgentRepo(db)),
    systemMetrics: withStorageErrors(createSystemMetricsRepo(db)),
    improvements: withStorageErrors(createImprovementRepo(db)),
    findings: withStorageErrors(createFindingRepo(db)),
    rollups: withStorageErrors(createRollupRepo(db)),
    maintenance: withStorageErrors(createMaintenanceRepo(db, file, windows.pruned)),
    deliveries: withStorageErrors(createDeliveryRepo(db)),
    notificationState: withStorageErrors(createNotificationStateRepo(db)),
    analysisSource: () => ({ engine: 'sqlite', file }),
    async info(): Promise<StoreInfo> {
      const rows: Record<string, number> = {};
      for (const table of COUNTED_TABLES) {
        rows[table] = db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;
      }
      return {
        engine: 'sqlite',
        path: file,
        schema_version: schemaVersion(db),
        size_bytes: fileSize(file),
        wal_bytes: fileSize(`${file}-wal`),
        journal_mode: String(db.pragma('journal_mode', { simple: true })),
        rows,
      };
    },
    async close() {
      if (closed) return;
      closed = true;
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
