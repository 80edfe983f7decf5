import type { AddressInfo } from 'node:net';
import { createAnalysisRunner } from './analysis/runner.js';
import { createApp, type App } from './app.js';
import { createDeliverer } from './coordination/deliverer.js';
import { createHostCollector } from './collectors/host.js';
import { createRuntimeMonitor } from './collectors/runtime.js';
import { createProcessSampler } from './collectors/processes.js';
import { systemClock, type Clock } from './clock.js';
import { resolveDataPaths, type Config } from './config.js';
import { createTokenRegistry, type TokenRegistry } from './auth/tokens.js';
import { isLoopback } from './http/origin.js';
import { createHttpServer, type HttpServer } from './http/server.js';
import { createLogger, type Logger } from './logger.js';
import { createEventBus, type EventBus } from './events/bus.js';
import { bridgeToRedis, type RedisBridge } from './events/redis-bridge.js';
import { createJobs, type Jobs } from './scheduler/jobs.js';
import { createScheduler, type Scheduler } from './scheduler/scheduler.js';
import { defaultInstanceId, soloLeadership, type Leadership } from './cluster/cluster.js';
import { followMonitoringSwitch, type MonitoringSwitchFollower } from './cluster/monitoring-switch.js';
import { analysisInit } from './services/analysis.js';
import type { Collectors } from './services/health-tick.js';
import type { SystemStatus } from './services/status.js';
import { createServices, type Monitoring, type Services } from './services/services.js';
import { createSqliteStore } from './store/sqlite/sqlite-store.js';
import type { Store } from './store/store.js';
import { createInlinePipeline } from './otlp/pipeline.js';
import { lockDataDir } from './files/data-dir-lock.js';
import { assertWritableDirectory } from './store/sqlite/open-db.js';
import { startPipelineThread } from './otlp/pipeline-thread.js';

/** How soon a replica follows control/start or control/stop made on another. */
const SWITCH_POLL_MS = 2_000;

export interface MetaAgentOptions {
  clock?: Clock;
  logger?: Logger;
  store?: Store;
  bus?: EventBus;
  /** false: no cron timer; tests call scheduler.tick() or runNow() themselves. */
  useCron?: boolean;
  /** false: SQLite writes samples and checkpoints its WAL on the main thread instead of on threads of their own (tests that do not need the threads). */
  backgroundThreads?: boolean;
  /** Who runs the scheduled jobs among replicas (PostgreSQL: cluster/pg-leadership.ts); a single process leads itself. */
  leadership?: Leadership;
  /** This replica's id in health.cluster (config.instanceId, else unique per process). */
  instanceId?: string;
  /** Replace the host collector or process sampler (tests). */
  collectors?: Partial<Omit<Collectors, 'runtime'>>;
}

export interface MetaAgent {
  config: Config;
  services: Services;
  scheduler: Scheduler<Jobs>;
  /** The whole HTTP API; `fetch` is all of it as a fetch handler, which works without listening. */
  app: App;
  fetch: App['yoga']['fetch'];
  getSystemStatus(): Promise<SystemStatus>;
  startContinuousMonitoring(): void;
  stopMonitoring(): void;
  /** Listens on config.host:config.port and starts monitoring. */
  start(): Promise<AddressInfo>;
  /** Stops accepting, closes websocket clients, finishes in-flight work, closes the database. */
  stop(): Promise<void>;
}

/**
 * Without tokens anyone who can reach the port could approve work and stop monitoring, so the
 * server then listens on loopback only ("protected mode") and refuses any other address.
 */
function assertProtectedMode(config: Config, tokens: TokenRegistry, logger: Logger): void {
  if (tokens.enabled) return;
  if (!isLoopback(config.host)) {
    throw new Error(
      `Refusing to listen on ${config.host} without API tokens: anyone who could reach it could approve work and stop monitoring. ` +
        'Set META_AGENT_API_TOKENS (role:token pairs) or auth.tokens in the config file, or listen on 127.0.0.1.',
    );
  }
  logger.warn({ host: config.host }, 'protected mode: no API tokens configured, listening on loopback only; every local client has every role');
}

/** Builds the meta agent from a validated Config: the one composition root. */
export function createMetaAgent(config: Config, options: MetaAgentOptions = {}): MetaAgent {
  const paths = resolveDataPaths(config);
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger({ level: config.logLevel, file: config.logFile });
  assertWritableDirectory(paths.dataDir);
  const dataDirLock = lockDataDir(paths.dataDir);
  let store: Store;
  try {
    store =
      options.store ??
      createSqliteStore(paths.database, {
        synchronous: config.synchronous,
        backgroundThreads: options.backgroundThreads ?? true,
        onThreadError: (message) => logger.child({ module: 'store' }).warn(message),
      });
  } catch (error) {
    dataDirLock.release();
    throw error;
  }
  const bus =
    options.bus ??
    createEventBus({
      onListenerError: (topic, error) => logger.error({ err: error, topic }, 'event listener failed'),
      deliveriesPerSecond: config.limits.subscriptionEventsPerSecond,
    });

  const leadership = options.leadership ?? soloLeadership(clock);
  const instanceId = options.instanceId ?? config.instanceId ?? defaultInstanceId();
  let scheduler: Scheduler<Jobs> | undefined;
  const monitoring: Monitoring = {
    applySwitch: () => monitoringSwitch.apply(),
    isActive: () => scheduler?.isActive() ?? false,
    jobs: () => scheduler?.status() ?? [],
    runAnalysis: () => scheduler!.runNow('analysis'),
    cluster: () => ({
      instance_id: instanceId,
      leader: leadership.isLeader(),
      leader_since: leadership.leaderSince(),
      store: store.analysisSource().engine,
      pubsub: config.redisUrl ? 'redis' : 'memory',
    }),
  };
  const collectors: Collectors = {
    host: options.collectors?.host ?? createHostCollector(paths.dataDir),
    processes: options.collectors?.processes ?? createProcessSampler(),
    runtime: createRuntimeMonitor(logger),
  };
  const deps = { config, store, clock, logger, bus, paths };
  const analysisRunner = createAnalysisRunner(analysisInit(config, store.analysisSource()), logger);
  const deliverer = createDeliverer({
    repo: store.deliveries,
    clock,
    logger,
    attempts: config.coordination.delivery.attempts,
    backoffMs: config.coordination.delivery.backoffSeconds * 1000,
  });
  // Exports decoded on a thread of their own, as samples are written on one (backgroundThreads).
  const otlpPipeline = (options.backgroundThreads ?? true) ? startPipelineThread((message) => logger.child({ module: 'otlp' }).warn(message)) : createInlinePipeline();
  const services = createServices(deps, monitoring, { collectors, analysisRunner, deliverer, otlpPipeline });
  services.notifier.start();
  scheduler = createScheduler({ jobs: createJobs(services, config), clock, logger, useCron: options.useCron, leadership });
  const monitoringSwitch: MonitoringSwitchFollower = followMonitoringSwitch(store.monitoring, scheduler, logger);
  const tokens = createTokenRegistry(config.auth.tokens);
  const app = createApp({ config, services, logger, tokens });
  let http: HttpServer | undefined;
  let redis: RedisBridge | undefined;
  let stopping: Promise<void> | undefined;

  return {
    config,
    services,
    scheduler,
    app,
    fetch: app.yoga.fetch,
    getSystemStatus: () => services.status.status(),
    startContinuousMonitoring: () => scheduler.start(),
    stopMonitoring: () => scheduler.stop(),
    async start() {
      if (http) throw new Error('already started');
      assertProtectedMode(config, tokens, logger);
      await services.reportWriter.removeStaleTempFiles();
      if (config.redisUrl) redis = bridgeToRedis(bus, { url: config.redisUrl, namespace: await store.identity(), instanceId, logger });
      http = createHttpServer({ app, logger, config, tokens });
      const address = await http.listen(config.port, config.host);
      monitoringSwitch.poll(SWITCH_POLL_MS);
      await monitoringSwitch.apply().catch((error: Error) => {
        logger.warn({ error: error.message }, 'the monitoring switch could not be read at start; monitoring starts, and follows the switch once it can be read');
        scheduler.start();
      });
      if (!scheduler.isActive()) logger.warn('monitoring is stopped (control/stop, kept across restarts): POST /api/meta-agent/control/start resumes it');
      return address;
    },
    stop() {
      stopping ??= (async () => {
        await monitoringSwitch.stop();
        scheduler.stop();
        await http?.close();
        await scheduler.close();
        await leadership.stop();
        deliverer.stop();
        await services.notifier.stop();
        await redis?.stop();
        bus.stop();
        await analysisRunner.stop();
        await otlpPipeline.close();
        collectors.runtime.stop();
        await store.close();
        dataDirLock.release();
        logger.flush();
      })();
      return stopping;
    },
  };
}
