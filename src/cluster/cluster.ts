import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { toIso, type Clock } from '../clock.js';

/** How this replica sees the cluster: `health.cluster` in REST and GraphQL. */
export interface ClusterInfo {
  instance_id: string;
  /** This replica runs the scheduled jobs. */
  leader: boolean;
  leader_since: string | null;
  store: 'sqlite' | 'postgres';
  pubsub: 'memory' | 'redis';
}

/**
 * Who may run the scheduled work. One process over SQLite is its own leader; replicas over
 * PostgreSQL elect one (pg-leadership.ts). Every job run, scheduled or asked for, goes through
 * `exclusive`, so no two replicas ever run the same job at once.
 */
export interface Leadership {
  isLeader(): boolean;
  leaderSince(): string | null;
  /** Runs `work` while no other replica runs the job of this name; waits for one that does. */
  exclusive<T>(job: string, work: () => Promise<T>): Promise<T>;
  stop(): Promise<void>;
}

/** The default instance id: unique per process, readable in logs. */
export const defaultInstanceId = () => `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;

/** A single process: leader from its start, nothing to exclude. */
export function soloLeadership(clock: Clock): Leadership {
  const since = toIso(clock.now());
  return {
    isLeader: () => true,
    leaderSince: () => since,
    exclusive: (_job, work) => work(),
    stop: async () => {},
  };
}
