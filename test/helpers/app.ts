import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach } from 'vitest';
import { defaultConfig, type Config } from '../../src/config.js';
import { createLogger, silentLogger } from '../../src/logger.js';
import type { HostReading } from '../../src/collectors/host.js';
import type { ProcessSampler } from '../../src/collectors/processes.js';
import { createMetaAgent, type MetaAgent } from '../../src/meta-agent.js';
import type { Store } from '../../src/store/store.js';
import type { TypedDocumentString } from '../gql/graphql.js';
import { createFakeClock, type FakeClock } from './clock.js';

export interface TestApp {
  agent: MetaAgent;
  /** What the fake host collector reads; change it between ticks. */
  host: HostReading;
  clock: FakeClock;
  config: Config;
  dataDir: string;
  request(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<TestResponse>;
  get(url: string): Promise<TestResponse>;
  post(url: string, body?: unknown): Promise<TestResponse>;
  /** A GraphQL operation over HTTP POST /graphql; typed when given a codegen document. */
  gql<T = any, V = Record<string, unknown>>(
    query: TypedDocumentString<T, V> | string,
    variables?: V,
  ): Promise<{ data?: T; errors?: any; status: number }>;
  /** Stops the agent, keeping its data directory (for restart tests). */
  stop(): Promise<void>;
}

export interface TestResponse {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

const cleanups: Array<() => Promise<void>> = [];
const fileCleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});
afterAll(async () => {
  while (fileCleanups.length > 0) await fileCleanups.pop()!();
});

/**
 * A meta agent on a temporary data directory with a fake clock and no cron timer,
 * answered through its fetch handler (no port). Stopped and removed after each test.
 */
export function createTestApp(
  overrides: DeepPartial<Config> = {},
  options: {
    clock?: FakeClock;
    dataDir?: string;
    keepData?: boolean;
    realHost?: boolean;
    processes?: ProcessSampler;
    /** Keep it for every test of the file (created in beforeAll), not just one. */
    perFile?: boolean;
    /** Run the server's threads (sample writer, checkpointer, OTLP decoder) as the server does. */
    threads?: boolean;
    /** Another store than SQLite in the data directory (e.g. PostgreSQL, shared by several apps as by replicas); closed on stop. */
    store?: Store;
  } = {},
): TestApp {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'meta-agent-test-'));
  const config = defaultConfig({ ...overrides, dataDir, logFile: '', port: overrides.port ?? 0 } as Partial<Config>);
  const clock = options.clock ?? createFakeClock();
  const host: HostReading = {
    cpu_usage: 20,
    memory_usage: 40,
    memory_used_mb: 4000,
    memory_total_mb: 10000,
    load_average: [0.5, 0.4, 0.3],
    cpus: 2,
    disk: { path: dataDir, used_percent: 30, free_bytes: 7e9, total_bytes: 1e10 },
  };
  const agent = createMetaAgent(config, {
    clock,
    ...(options.store ? { store: options.store } : {}),
    logger: process.env.TEST_LOG ? createLogger({ level: 'debug' }) : silentLogger(),
    useCron: false,
    // Two threads per short-lived test app cost more than its writes ever need; test/store/ covers the
    // threads (checkpointer.test.ts, the contract suite), and tests that start the built server as a process run with them.
    backgroundThreads: options.threads ?? false,
    collectors: {
      ...(options.realHost ? {} : { host: { read: async () => structuredClone(host) } }),
      ...(options.processes ? { processes: options.processes } : {}),
    },
  });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await agent.stop();
  };
  (options.perFile ? fileCleanups : cleanups).push(async () => {
    await stop();
    if (!options.keepData && !options.dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  async function request(method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
    const init: RequestInit = { method, headers: { ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
    }
    const response = await agent.fetch(`http://meta-agent.test${url}`, init);
    const text = await response.text();
    let parsed: unknown = undefined;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: response.status, headers: response.headers, body: parsed, text };
  }

  return {
    agent,
    host,
    clock,
    config,
    dataDir,
    request,
    get: (url) => request('GET', url),
    post: (url, body) => request('POST', url, body),
    async gql(query, variables) {
      const response = await request('POST', '/graphql', { query: query.toString(), variables });
      return { ...(response.body as object), status: response.status };
    },
    stop,
  };
}
