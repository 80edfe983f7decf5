import type { Store, StoreInfo } from '../store.js';
import { createPgAgentRepo } from './agent-repo.js';
import { createPgDeliveryRepo, createPgNotificationStateRepo } from './delivery-repo.js';
import { createPgMonitoringSwitchRepo } from './monitoring-switch-repo.js';
import { createPgOtlpStreamRepo } from './otlp-stream-repo.js';
import { createPgSilenceRepo } from './silence-repo.js';
import { createPgMaintenanceWindowRepo } from './maintenance-window-repo.js';
import { createPgAgentEventRepo } from './agent-event-repo.js';
import { createPgFindingRepo } from './finding-repo.js';
import { createPgImprovementRepo } from './improvement-repo.js';
import { createPgMaintenanceRepo } from './maintenance-repo.js';
import { createPool, one, translatePgError } from './pool.js';
import { createPgRollupRepo } from './rollups.js';
import { createPgReportRepo } from './report-repo.js';
import { createPgSampleRepo } from './sample-repo.js';
import { migrate } from './schema.js';
import { createPgSystemMetricsRepo } from './system-metrics-repo.js';

const COUNTED_TABLES = ['agents', 'agent_performance_history', 'system_metrics', 'system_improvements', 'findings'] as const;
/** A count older than this is made again in the background (a COUNT of a large table takes seconds). */
const RECOUNT_AFTER_MS = 2000;

export class StoreConnectError extends Error {
  override name = 'StoreConnectError';
}

/** The URL without its password, for logs and the health report. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

/** Every method of every repo answers a lost connection as a 503 (retry later), the process staying up. */
function translated<T extends object>(repo: T): T {
  const wrapped = {} as Record<string, unknown>;
  for (const [name, value] of Object.entries(repo)) {
    wrapped[name] =
      typeof value === 'function'
        ? async (...args: unknown[]) => {
            try {
              return await (value as (...a: unknown[]) => unknown).apply(repo, args);
            } catch (error) {
              throw translatePgError(error);
            }
          }
        : value;
  }
  return wrapped as T;
}

/**
 * The store over PostgreSQL (META_AGENT_DATABASE_URL): connects, migrates under a lock and
 * answers the same Store contract as SQLite (test/store/contract.ts runs against both).
 */
export async function openPostgresStore(url: string): Promise<Store> {
  const pool = createPool(url);
  let schemaVersion: number;
  try {
    schemaVersion = await migrate(pool);
  } catch (error) {
    await pool.end().catch(() => {});
    throw new StoreConnectError(`cannot use the PostgreSQL database at ${redactUrl(url)}: ${(error as Error).message}`);
  }
  let counted: { rows: Record<string, number>; at: string } | undefined;
  let counting: Promise<void> | undefined;
  const count = () =>
    (counting ??= (async () => {
      const rows: Record<string, number> = {};
      for (const table of COUNTED_TABLES) rows[table] = (await one<{ n: number }>(pool, `SELECT COUNT(*) AS n FROM ${table}`))!.n;
      counted = { rows, at: new Date().toISOString() };
    })().finally(() => (counting = undefined)));
  let closed = false;
  return {
    samples: translated(createPgSampleRepo(pool)),
    agents: translated(createPgAgentRepo(pool)),
    systemMetrics: translated(createPgSystemMetricsRepo(pool)),
    improvements: translated(createPgImprovementRepo(pool)),
    findings: translated(createPgFindingRepo(pool)),
    rollups: translated(createPgRollupRepo(pool)),
    maintenance: translated(createPgMaintenanceRepo(pool)),
    deliveries: translated(createPgDeliveryRepo(pool)),
    notificationState: translated(createPgNotificationStateRepo(pool)),
    monitoring: translated(createPgMonitoringSwitchRepo(pool)),
    otlpStreams: translated(createPgOtlpStreamRepo(pool)),
    silences: translated(createPgSilenceRepo(pool)),
    maintenanceWindows: translated(createPgMaintenanceWindowRepo(pool)),
    agentEvents: translated(createPgAgentEventRepo(pool)),
    reports: translated(createPgReportRepo(pool)),
    analysisSource: () => ({ engine: 'postgres', url }),
    identity: async () => `postgres:${(await one<{ id: string }>(pool, 'SELECT id FROM cluster_identity'))!.id}`,
    async info(): Promise<StoreInfo> {
      // The first report waits for a count; later ones answer the latest and ask for a new one when it is old.
      if (!counted) await count().catch(() => {});
      else if (Date.now() - Date.parse(counted.at) > RECOUNT_AFTER_MS) void count().catch(() => {});
      const size = await one<{ bytes: number }>(pool, 'SELECT pg_database_size(current_database()) AS bytes').catch((error) => {
        throw translatePgError(error);
      });
      return {
        engine: 'postgres',
        path: redactUrl(url),
        schema_version: schemaVersion,
        size_bytes: size!.bytes,
        wal_bytes: 0,
        journal_mode: 'postgres',
        rows: counted?.rows ?? {},
        rows_counted_at: counted?.at ?? null,
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      await counting?.catch(() => {});
      await pool.end();
    },
  };
}
