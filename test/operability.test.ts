import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startServerProcess, tempDataDir } from './helpers/process.js';

/** Start-up as a new user meets it: what the server says, and only that, when it cannot start. */

const ROOT = path.resolve(import.meta.dirname, '..');
const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

/** Runs the server until it exits by itself (it is expected to refuse to start). */
function runToExit(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, META_AGENT_LOG_FILE: '', META_AGENT_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    }),
  );
}

const everyLineIsJson = (text: string) => text.split('\n').filter(Boolean).every((line) => JSON.parse(line) !== null);

describe('shutdown', () => {
  it('on SIGTERM finishes every closing step before the process ends: WAL folded back, the data directory let go', async () => {
    const dataDir = tempDataDir();
    const server = await startServerProcess({ META_AGENT_DATA_DIR: dataDir, META_AGENT_LOG_FILE: '' });
    const posted = await fetch(`${server.url}/api/agents/metrics`, { method: 'POST', body: JSON.stringify({ samples: [{ agent_name: 'last_word', response_time: 1 }] }) });
    expect(posted.status).toBe(200);
    server.child.kill('SIGTERM');
    expect((await server.exit()).code).toBe(0);
    const left = readdirSync(dataDir);
    expect(left).not.toContain('meta-agent.owner');
    expect(left).not.toContain('enhanced_meta_agent.db-wal');
    const db = new Database(path.join(dataDir, 'enhanced_meta_agent.db'), { readonly: true });
    expect(db.prepare("SELECT COUNT(*) AS n FROM agent_performance_history WHERE agent_name = 'last_word'").get()).toEqual({ n: 1 });
    db.close();
  }, 30_000);
});

describe('start-up refusals', () => {
  it('says in one line that the port is in use, with no stack trace or websocket warning before it', async () => {
    const squatter = createServer();
    servers.push(squatter);
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const { port } = squatter.address() as AddressInfo;
    const run = await runToExit({ META_AGENT_PORT: String(port), META_AGENT_DATA_DIR: tempDataDir() });
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(`Meta Agent failed to start: port ${port} on 127.0.0.1 is already in use by another program: stop it, or set META_AGENT_PORT to a free port`);
    expect(everyLineIsJson(run.stdout)).toBe(true);
    expect(run.stdout).not.toMatch(/EADDRINUSE|stack/);
  });

  it('refuses a data directory another server holds, naming it, and starts once it is free', async () => {
    const dataDir = tempDataDir();
    const first = await startServerProcess({ META_AGENT_DATA_DIR: dataDir, META_AGENT_LOG_FILE: '' });
    const second = await runToExit({ META_AGENT_PORT: '0', META_AGENT_DATA_DIR: dataDir });
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(new RegExp(`the data directory .* is in use by another Meta Agent \\(pid ${first.child.pid} on .*, started .*\\)`));
    expect(second.stderr.trim().split('\n')).toHaveLength(1);

    first.child.kill('SIGKILL'); // a crash leaves no stale lock behind
    await first.exit();
    const third = await startServerProcess({ META_AGENT_DATA_DIR: dataDir, META_AGENT_LOG_FILE: '' });
    expect((await fetch(`${third.url}/healthz`)).status).toBe(200);
    third.child.kill('SIGTERM');
    await third.exit();
  }, 40_000);

  it('says at once that another program holds the database (in WAL mode, as a server left it) locked, instead of failing in a job later', async () => {
    const dataDir = tempDataDir();
    const first = await startServerProcess({ META_AGENT_DATA_DIR: dataDir, META_AGENT_LOG_FILE: '' });
    first.child.kill('SIGTERM');
    await first.exit();
    // An open sqlite3 shell in the middle of a write transaction.
    const shell = new Database(path.join(dataDir, 'enhanced_meta_agent.db'));
    shell.exec('BEGIN EXCLUSIVE');
    try {
      const run = await runToExit({ META_AGENT_PORT: '0', META_AGENT_DATA_DIR: dataDir });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/another program holds a write lock on it .*Close it and start again/);
      expect(run.ms).toBeLessThan(10_000);
    } finally {
      shell.exec('ROLLBACK');
      shell.close();
    }
  }, 40_000);
});
