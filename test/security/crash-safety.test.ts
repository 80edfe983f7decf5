import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startServerProcess, tempDataDir } from '../helpers/process.js';

const mounts: string[] = [];
afterEach(() => {
  for (const dir of mounts.splice(0)) {
    try {
      execFileSync('umount', [dir]);
    } catch {
      // already gone
    }
  }
});

/** A small tmpfs of our own (needs root, as on this project's CI machines); undefined where not allowed. */
function smallDisk(kilobytes: number): string | undefined {
  const dir = tempDataDir();
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${kilobytes}k`, 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  mounts.push(dir);
  return dir;
}
const canMount = (() => {
  const dir = smallDisk(64);
  if (dir) execFileSync('umount', [dir]);
  mounts.length = 0;
  return dir !== undefined;
})();

/** A port nobody listens on (for a server whose stdout cannot say which one it took). */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

const env = (dataDir: string, extra: Record<string, string> = {}) => ({
  META_AGENT_DATA_DIR: dataDir,
  META_AGENT_LOG_FILE: '',
  META_AGENT_REPORT_INTERVAL_S: '1',
  META_AGENT_HEALTH_INTERVAL_S: '1',
  ...extra,
});

describe('crash safety', () => {
  it('loses no acknowledged sample when killed with SIGKILL mid-ingestion, and restarts cleanly with whole files', async () => {
    const dataDir = tempDataDir();
    const first = await startServerProcess(env(dataDir));
    // Let the report job write at least once, so the kill can land among its writes.
    for (let i = 0; i < 50 && (await (await fetch(`${first.url}/api/meta-agent/reports`)).json()).count === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const acknowledged: number[] = [];
    const deadline = Date.now() + 1500;
    let batch = 0;
    const writers = Array.from({ length: 4 }, async () => {
      while (Date.now() < deadline) {
        const i = batch++;
        const samples = Array.from({ length: 100 }, (_, k) => ({ agent_name: `crash_${i}`, response_time: k }));
        const res = await fetch(`${first.url}/api/agents/metrics`, { method: 'POST', body: JSON.stringify({ samples }) }).catch(() => undefined);
        if (res?.status === 200) acknowledged.push(i);
      }
    });
    setTimeout(() => first.child.kill('SIGKILL'), 1200);
    await Promise.all(writers);
    expect((await first.exit()).signal).toBe('SIGKILL');
    expect(acknowledged.length).toBeGreaterThan(5);

    const second = await startServerProcess(env(dataDir));
    const agents = (await (await fetch(`${second.url}/api/agents/status`)).json()).data as Array<{ name: string; sample_count: number }>;
    const stored = new Map(agents.map((a) => [a.name, a.sample_count]));
    for (const i of acknowledged) expect(stored.get(`crash_${i}`), `batch ${i}`).toBe(100);

    for (const file of [path.join(dataDir, 'system_status.json'), ...readdirSync(path.join(dataDir, 'system_reports')).map((n) => path.join(dataDir, 'system_reports', n))]) {
      expect(() => JSON.parse(readFileSync(file, 'utf8')), file).not.toThrow();
    }
    expect(readdirSync(dataDir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    second.child.kill('SIGTERM');
    expect((await second.exit()).code).toBe(0);
  }, 30_000);

  it('refuses to start on a corrupt database with a clear message, leaving the file as it was', async () => {
    const dataDir = tempDataDir();
    const file = path.join(dataDir, 'enhanced_meta_agent.db');
    writeFileSync(file, 'this is not a database, but it is somebody\'s data'.repeat(100));
    const before = readFileSync(file);
    await expect(startServerProcess(env(dataDir))).rejects.toThrow(/cannot (open|use) database .*enhanced_meta_agent\.db: file is not a database/);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('refuses to start on a log file it cannot write, naming the setting (it crashed from the log stream)', async () => {
    const dataDir = tempDataDir();
    await expect(startServerProcess(env(dataDir, { META_AGENT_LOG_FILE: dataDir }))).rejects.toThrow(
      /META_AGENT_LOG_FILE \(logFile\): cannot write the log file .*: EISDIR/,
    );
  });

  it.runIf(existsSync('/proc/self'))('refuses a data directory that cannot be created instead of hanging (Node loops on /proc)', async () => {
    await expect(startServerProcess(env('/proc/meta-agent-nope/data'))).rejects.toThrow(/the data directory \/proc\/meta-agent-nope\/data is not writable/);
  });

  it('refuses to start while another process holds the database locked', async () => {
    const dataDir = tempDataDir();
    const holder = new Database(path.join(dataDir, 'enhanced_meta_agent.db'));
    holder.exec('CREATE TABLE t (x); BEGIN EXCLUSIVE; INSERT INTO t VALUES (1);');
    try {
      await expect(startServerProcess(env(dataDir))).rejects.toThrow(/another program holds a write lock on it/);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
  }, 20_000);

  it.runIf(canMount)('refuses to start on a read-only data directory with a clear message', async () => {
    const dataDir = smallDisk(1024)!;
    const seeded = await startServerProcess(env(dataDir));
    await fetch(`${seeded.url}/api/agents/metrics`, { method: 'POST', body: JSON.stringify({ samples: [{ agent_name: 'keep_me', response_time: 1 }] }) });
    seeded.child.kill('SIGTERM');
    await seeded.exit();
    execFileSync('mount', ['-o', 'remount,ro', dataDir]);
    await expect(startServerProcess(env(dataDir))).rejects.toThrow(/failed to start: the data directory .* is not writable \(it is on a read-only file system\)/);
    execFileSync('mount', ['-o', 'remount,rw', dataDir]);
    const again = await startServerProcess(env(dataDir));
    const agents = (await (await fetch(`${again.url}/api/agents/status`)).json()).data;
    expect(agents.map((a: { name: string }) => a.name)).toEqual(['keep_me']);
    again.child.kill('SIGTERM');
    await again.exit();
  }, 30_000);

  it.runIf(canMount)("stays up when the log file's disk fills: the file is given up, said once, and stdout goes on", async () => {
    const logDisk = smallDisk(64)!;
    const server = await startServerProcess(env(tempDataDir(), { META_AGENT_LOG_FILE: path.join(logDisk, 'meta.log') }));
    // Each request logs a line: 1,000 of them are well over the 64 KB disk.
    for (let i = 0; i < 1000; i++) expect((await fetch(`${server.url}/api/meta-agent/control/stop`, { method: 'POST' })).status).toBe(200);
    await vi.waitFor(() => expect(server.output()).toMatch(/log file .*meta\.log failed \(ENOSPC\); logging to stdout only until restart/), { timeout: 5000 });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    server.child.kill('SIGTERM');
    expect((await server.exit()).code).toBe(0);
  }, 60_000);

  it.runIf(existsSync('/dev/full'))('stays up, and stops on SIGTERM, with stdout on a device that is always full', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: path.resolve(import.meta.dirname, '../..'),
      env: { ...process.env, ...env(tempDataDir()), META_AGENT_PORT: String(port) },
      stdio: ['ignore', openSync('/dev/full', 'w'), 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const base = `http://127.0.0.1:${port}`;
      await vi.waitFor(async () => expect((await fetch(`${base}/healthz`)).status).toBe(200), { timeout: 15_000, interval: 200 });
      for (let i = 0; i < 50; i++) expect((await fetch(`${base}/api/meta-agent/control/stop`, { method: 'POST' })).status).toBe(200);
      expect(stderr).toMatch(/log output to stdout failed \(ENOSPC\); no longer logging there until restart/);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 30_000);

  it.runIf(canMount)('answers 507 when the disk fills, stays up, and keeps what it acknowledged', async () => {
    const dataDir = smallDisk(600)!;
    mkdirSync(path.join(dataDir, 'system_reports'), { recursive: true });
    const server = await startServerProcess(env(dataDir, { META_AGENT_REPORT_INTERVAL_S: '3600', META_AGENT_HEALTH_INTERVAL_S: '3600' }));
    let acknowledged = 0;
    let full: { status: number; body: any } | undefined;
    for (let i = 0; i < 200 && !full; i++) {
      const samples = Array.from({ length: 200 }, (_, k) => ({ agent_name: `fill_${i % 5}`, response_time: k, success_rate: 0.5 }));
      const res = await fetch(`${server.url}/api/agents/metrics`, { method: 'POST', body: JSON.stringify({ samples }) });
      if (res.status === 200) acknowledged += 200;
      else full = { status: res.status, body: await res.json() };
    }
    expect(full).toMatchObject({ status: 507, body: { code: 'INSUFFICIENT_STORAGE', message: expect.stringMatching(/disk .* is full; nothing was written/) } });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const agents = (await (await fetch(`${server.url}/api/agents/status`)).json()).data as Array<{ sample_count: number }>;
    expect(agents.reduce((sum, a) => sum + a.sample_count, 0)).toBe(acknowledged);
    server.child.kill('SIGKILL');
  }, 60_000);
});
