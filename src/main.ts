import { ConfigError, loadConfig } from './config-loader.js';
import { createLogger } from './logger.js';
import { createMetaAgent } from './meta-agent.js';
import { openPostgresStore } from './store/postgres/pg-store.js';
import { defaultInstanceId } from './cluster/cluster.js';
import { startPgLeadership } from './cluster/pg-leadership.js';
import { systemClock } from './clock.js';

const SHUTDOWN_DEADLINE_MS = 5000;

/** Why the server could not start, in one line a newcomer can act on. */
function startFailure(error: unknown, config: { host: string; port: number }): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return `port ${config.port} on ${config.host} is already in use by another program: stop it, or set META_AGENT_PORT to a free port`;
  if (code === 'EACCES') return `no permission to listen on port ${config.port} on ${config.host}: use a port above 1023 (META_AGENT_PORT)`;
  if (code === 'EADDRNOTAVAIL') return `${config.host} is not an address of this machine (META_AGENT_HOST)`;
  return error instanceof Error ? error.message : String(error);
}

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    throw error;
  }
  let logger;
  try {
    logger = createLogger({ level: config.logLevel, file: config.logFile });
  } catch (error) {
    process.stderr.write(`Invalid configuration:\n  - META_AGENT_LOG_FILE (logFile): ${(error as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  let store;
  if (config.databaseUrl) {
    try {
      store = await openPostgresStore(config.databaseUrl);
    } catch (error) {
      process.stderr.write(`META_AGENT_DATABASE_URL: ${(error as Error).message}\n`);
      process.exitCode = 1;
      return;
    }
  }
  const instanceId = config.instanceId ?? defaultInstanceId();
  let leadership;
  if (store) {
    leadership = startPgLeadership({ url: config.databaseUrl!, instanceId, clock: systemClock, logger });
    if (!config.redisUrl) {
      logger.warn({ store: 'postgres', pubsub: 'memory' }, 'META_AGENT_DATABASE_URL without META_AGENT_REDIS_URL: live events (subscriptions) reach only the clients of the replica that published them');
    }
  }
  let agent: ReturnType<typeof createMetaAgent> | undefined;
  let address;
  try {
    // Refused here: the data directory held by another server, a database another program locks,
    // a disk that takes no writes, a port in use.
    agent = createMetaAgent(config, { logger, store, leadership, instanceId });
    address = await agent.start();
  } catch (error) {
    process.stderr.write(`Meta Agent failed to start: ${startFailure(error, config)}\n`);
    process.exitCode = 1;
    // Leader election, the database pool and Redis may be running: a replica that cannot serve must
    // not stay up holding the leader lock. Stopped, they let the process end; a deadline makes sure.
    setTimeout(() => process.exit(1), SHUTDOWN_DEADLINE_MS).unref();
    if (agent) await agent.stop().catch(() => {});
    else await Promise.all([leadership?.stop(), store?.close()].map((stopping) => stopping?.catch(() => {})));
    return;
  }
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  logger.info({ url, data_dir: config.dataDir, store: config.databaseUrl ? 'postgres' : 'sqlite' }, `Meta Agent listening on ${url} (GraphQL ${url}/graphql, docs ${url}/docs)`);

  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    agent.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`Meta Agent failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  // Not process.exit(): the log streams finish opening and flush, then the process ends by itself.
  process.exitCode = 1;
});
