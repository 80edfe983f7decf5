import { spawn, spawnSync } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServerProcess, tempDataDir } from './helpers/process.js';
import { freshDatabase, testDatabaseUrl } from './helpers/services.js';
import { tcpRelay } from './helpers/tcp-relay.js';

const root = path.resolve(import.meta.dirname, '..');
/** The same without blocking this process (a port it holds must stay served meanwhile). */
function runToExitAsync(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: root,
      env: { ...process.env, META_AGENT_PORT: '0', META_AGENT_LOG_FILE: '', META_AGENT_DATA_DIR: tempDataDir(), ...env },
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.stdout.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

/** Runs src/main.ts until it exits (it should: these configurations cannot start). */
function runToExit(env: Record<string, string>) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: { ...process.env, META_AGENT_PORT: '0', META_AGENT_LOG_FILE: '', META_AGENT_DATA_DIR: tempDataDir(), ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { code: result.status, stderr: result.stderr };
}

describe('choosing the PostgreSQL store with META_AGENT_DATABASE_URL', () => {
  it('refuses a URL that is not a PostgreSQL one, naming the variable', () => {
    const { code, stderr } = runToExit({ META_AGENT_DATABASE_URL: 'mysql://root@localhost/meta' });
    expect(code).toBe(2);
    expect(stderr).toContain('META_AGENT_DATABASE_URL: must be a postgres:// or postgresql:// URL');
  });

  it('says in one line, naming the variable and never the password, that the server cannot be reached', () => {
    const { code, stderr } = runToExit({ META_AGENT_DATABASE_URL: 'postgres://meta:s3cret@127.0.0.1:1/meta' });
    expect(code).toBe(1);
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^META_AGENT_DATABASE_URL: cannot use the PostgreSQL database at postgres:\/\/meta:\*\*\*@127\.0\.0\.1:1\/meta: .*ECONNREFUSED/);
    expect(stderr).not.toContain('s3cret');
  });

  const url = testDatabaseUrl();
  const drops: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const drop of drops) await drop();
  });
  it.skipIf(!url)('exits when it cannot listen, instead of staying up holding the leader lock with nothing running', async () => {
    const database = await freshDatabase(url!);
    drops.push(database.drop);
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const port = (taken.address() as net.AddressInfo).port;
      const { code, stderr } = await runToExitAsync({ META_AGENT_DATABASE_URL: database.url, META_AGENT_PORT: String(port) });
      expect(code, stderr).toBe(1);
      expect(stderr).toMatch(/EADDRINUSE|in use/);
    } finally {
      taken.close();
    }
  });

  it.skipIf(!url)('serves from PostgreSQL end to end and keeps the data across a restart', async () => {
    const database = await freshDatabase(url!);
    drops.push(database.drop);
    const env = { META_AGENT_DATABASE_URL: database.url, META_AGENT_DATA_DIR: tempDataDir(), META_AGENT_LOG_FILE: '' };
    const first = await startServerProcess(env);
    const posted = await fetch(`${first.url}/api/agents/metrics`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ samples: [{ agent_name: 'trader_1', response_time: 1.5, success_rate: 0.99, requests: 20, error_count: 0 }] }),
    });
    expect(posted.status).toBe(200);
    const health = (await (await fetch(`${first.url}/api/meta-agent/health`)).json()) as { data: { database: { engine: string; path: string } } };
    expect(health.data.database.engine).toBe('postgres');
    // The analysis worker reads the same database on its own connection.
    const analysis = await fetch(`${first.url}/api/meta-agent/trigger-analysis`, { method: 'POST' });
    expect(analysis.status).toBe(200);
    first.child.kill('SIGTERM');
    expect((await first.exit()).code).toBe(0);

    const second = await startServerProcess(env);
    const agents = (await (await fetch(`${second.url}/api/agents/status`)).json()) as { data: Array<{ name: string; sample_count: number }> };
    expect(agents.data).toEqual([expect.objectContaining({ name: 'trader_1', sample_count: 1 })]);
    second.child.kill('SIGTERM');
    await second.exit();
  });

  it.skipIf(!url)('answers 503 with Retry-After while the database cannot be reached, stays up, and recovers by itself', async () => {
    const database = await freshDatabase(url!);
    drops.push(database.drop);
    const target = new URL(database.url);
    // Closing the relay cuts every connection and refuses new ones, as an outage would.
    const relay = await tcpRelay(target.hostname, Number(target.port || 5432));
    const viaRelay = new URL(database.url);
    viaRelay.hostname = '127.0.0.1';
    viaRelay.port = String(relay.port);
    const server = await startServerProcess({ META_AGENT_DATABASE_URL: viaRelay.toString(), META_AGENT_DATA_DIR: tempDataDir(), META_AGENT_LOG_FILE: '' });
    const post = () =>
      fetch(`${server.url}/api/agents/metrics`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ samples: [{ agent_name: 'trader_1', response_time: 1 }] }),
      });
    try {
      expect((await post()).status).toBe(200);
      relay.cut();
      const refused = await post();
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(((await refused.json()) as { message: string }).message).toMatch(/PostgreSQL/);
      await relay.restore();
      expect((await post()).status).toBe(200);
      const status = (await (await fetch(`${server.url}/api/agents/status`)).json()) as { data: Array<{ sample_count: number }> };
      expect(status.data[0]!.sample_count).toBe(2);
    } finally {
      relay.close();
      server.child.kill('SIGKILL');
    }
  });
});
