import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';

const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  /** Resolves with the exit code and how long after the call it came. */
  exit(): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
}

export const tempDataDir = () => mkdtempSync(path.join(tmpdir(), 'meta-agent-proc-'));

/** Starts src/main.ts as a real process on a free port and waits until it listens. */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const root = path.resolve(import.meta.dirname, '../..');
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: { ...process.env, META_AGENT_PORT: '0', META_AGENT_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 15_000);
    const check = () => {
      const m = /listening on (http:\/\/[\d.:[\]]+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', check);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`server exited before listening:\n${output}`));
    });
  });
  return {
    child,
    url,
    output: () => output,
    async exit() {
      const start = Date.now();
      const result = await exited;
      return { ...result, ms: Date.now() - start };
    },
  };
}

/** What the cluster tests read of a replica's `GET /api/meta-agent/health`. */
export interface ReplicaHealth {
  cluster: { instance_id: string; leader: boolean; leader_since: string | null; store: string; pubsub: string };
  jobs: Array<{ name: string; runs: number }>;
  meta_agent_active: boolean;
}

export const replicaHealth = async (server: ServerProcess): Promise<ReplicaHealth> =>
  ((await (await fetch(`${server.url}/api/meta-agent/health`)).json()) as { data: ReplicaHealth }).data;

/** Reads until `ok` holds, every 100 ms; fails with the last value after `timeoutMs`. */
export async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
