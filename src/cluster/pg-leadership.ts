import pg from 'pg';
import { toIso, type Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { createPool } from '../store/postgres/pool.js';
import type { Leadership } from './cluster.js';

/** Any fixed number: the advisory lock whose holder is the leader. */
const LEADER_LOCK = 727_100;
/** Job locks are (JOB_LOCKS, hash of the job's name). */
const JOB_LOCKS = 727_101;

export interface PgLeadershipOptions {
  url: string;
  instanceId: string;
  clock: Clock;
  logger: Logger;
  /** How often a standby tries for the lock and the leader checks its connection (default 2 s). */
  intervalMs?: number;
}

/** Server-side TCP keepalives: a session whose client vanished is ended (and its locks freed) in about 20 s. */
export const SERVER_KEEPALIVE = '-c tcp_keepalives_idle=10 -c tcp_keepalives_interval=3 -c tcp_keepalives_count=3';

/** A stable 32-bit hash of a job name, the second key of its advisory lock. */
const jobKey = (job: string) => [...job].reduce((h, c) => (Math.imul(h, 31) + c.charCodeAt(0)) | 0, 7);

/**
 * Leader election over PostgreSQL: the leader is whoever holds a session advisory lock, on a
 * connection of its own. PostgreSQL releases it when that session ends (the process is killed,
 * the connection breaks), and a standby's next try, within `intervalMs`, takes it. The leader
 * checks its connection as often, with a timeout, and stops leading at once when the check
 * fails or the connection reports an error: it would rather have no leader for a moment than two.
 */
export function startPgLeadership({ url, instanceId, clock, logger, intervalMs = 2000 }: PgLeadershipOptions): Leadership {
  const log = logger.child({ module: 'cluster', instance_id: instanceId });
  // One connection per job that may run at once (a new leader runs every overdue job together).
  const jobLocks = createPool(url, 8);
  let client: pg.Client | undefined;
  let since: string | null = null;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const lose = (why: string) => {
    if (since !== null) log.warn({ why }, 'no longer the leader: scheduled jobs stop here');
    since = null;
    const broken = client;
    client = undefined;
    broken?.end().catch(() => {});
  };

  async function attempt(): Promise<void> {
    if (!client) {
      const fresh = new pg.Client({
        connectionString: url,
        keepAlive: true,
        query_timeout: Math.max(1000, intervalMs),
        connectionTimeoutMillis: 5000,
        application_name: `meta-agent leader ${instanceId}`,
        // The server, too, must notice a leader cut off by the network (and free the lock) within seconds, not hours.
        options: SERVER_KEEPALIVE,
      });
      fresh.on('error', (error) => {
        if (client === fresh) lose(`leader connection failed: ${error.message}`);
      });
      fresh.on('end', () => {
        if (client === fresh) lose('leader connection ended');
      });
      await fresh.connect();
      if (stopped) {
        await fresh.end().catch(() => {});
        return;
      }
      client = fresh;
    }
    if (since === null) {
      const { rows } = await client.query('SELECT pg_try_advisory_lock($1) AS won', [LEADER_LOCK]);
      if (rows[0].won === true) {
        since = toIso(clock.now());
        log.info('elected leader: this replica runs the scheduled jobs');
      }
    } else {
      await client.query('SELECT 1');
    }
  }

  const loop = () => {
    if (stopped) return;
    attempt()
      .catch((error: Error) => lose(`leader check failed: ${error.message}`))
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, intervalMs);
      });
  };
  loop();

  return {
    isLeader: () => since !== null,
    leaderSince: () => since,
    async exclusive(job, work) {
      const lockClient = await jobLocks.connect();
      // Checked out, a client has no pool listener: a connection lost during a long job must not end the process.
      let broken: Error | undefined;
      const onError = (error: Error) => {
        broken = error;
        log.warn({ job, error: error.message }, 'job lock connection lost: the job finishes, but no longer exclusively');
      };
      lockClient.on('error', onError);
      try {
        await lockClient.query('SELECT pg_advisory_lock($1, $2)', [JOB_LOCKS, jobKey(job)]);
        try {
          return await work();
        } finally {
          await lockClient.query('SELECT pg_advisory_unlock($1, $2)', [JOB_LOCKS, jobKey(job)]).catch((error: Error) => (broken ??= error));
        }
      } finally {
        lockClient.off('error', onError);
        // A client whose unlock failed may still hold the lock: it is closed, never returned to the pool.
        lockClient.release(broken);
      }
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      const held = client;
      client = undefined;
      since = null;
      if (held) await held.end().catch(() => {});
      await jobLocks.end().catch(() => {});
    },
  };
}
