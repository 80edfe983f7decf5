import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');

export interface ServerHandle {
  url: string;
  pid: number;
  child: ChildProcess;
  dataDir: string;
  output(): string;
  stop(): Promise<void>;
}

export const tempDir = (prefix: string) => mkdtempSync(path.join(tmpdir(), `meta-agent-bench-${prefix}-`));

/** Starts the compiled server (dist/main.js, built by `npm run bench`) as its own process on loopback. */
export async function startServer(env: Record<string, string> = {}, dataDir = tempDir('data')): Promise<ServerHandle> {
  const started = performance.now();
  // BENCH_SERVER_NODE_ARGS go to the server's node only (e.g. --cpu-prof to see where its time goes).
  const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, path.join(ROOT, 'dist/main.js')], {
    cwd: ROOT,
    env: { ...process.env, META_AGENT_PORT: '0', META_AGENT_HOST: '127.0.0.1', META_AGENT_DATA_DIR: dataDir, META_AGENT_LOG_FILE: '', META_AGENT_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c) => { output += c; if (process.env.BENCH_ECHO) process.stderr.write(c); });
  child.stderr!.on('data', (c) => { output += c; if (process.env.BENCH_ECHO) process.stderr.write(c); });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 30_000);
    const check = () => {
      const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) after ${Math.round(performance.now() - started)} ms:\n${output}`));
    });
  });
  return {
    url,
    pid: child.pid!,
    child,
    dataDir,
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        // Killed by a signal, a child has a signalCode and no exitCode.
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 6000).unref();
      }),
  };
}
