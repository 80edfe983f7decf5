import Database from 'better-sqlite3';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/run.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { suggestionFor } from './helpers/improvements.js';
import { series } from './helpers/samples.js';
import { startServerProcess, tempDataDir } from './helpers/process.js';

/** `npx meta-agent …` against a running server (its fetch handler), as an operator types it. */
async function cli(t: TestApp | undefined, argv: string[], env: Record<string, string | undefined> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    env,
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    ...(t ? { fetch: ((url: URL, init?: RequestInit) => t.agent.fetch(new Request(url, init))) as typeof fetch } : {}),
  });
  return { code, stdout, stderr };
}

describe('meta-agent CLI', () => {
  it('lists agents and suggestions as tables for people and as JSON for scripts', async () => {
    const t = createTestApp();
    const pending = await suggestionFor(t, 'slow_trader', () => ({ response_time: 40, success_rate: 0.99 }));

    const agents = await cli(t, ['agents']);
    expect(agents.code).toBe(0);
    expect(agents.stdout.split('\n')[0]).toMatch(/^NAME\s+HEALTH\s+LAST SEEN\s+SAMPLES\s+WHY$/);
    expect(agents.stdout).toMatch(/slow_trader\s+(degraded|failing)/);
    const asJson = await cli(t, ['agents', '--json']);
    expect(JSON.parse(asJson.stdout).map((a: { name: string }) => a.name)).toEqual(['slow_trader']);

    const list = await cli(t, ['improvements', '--status', 'pending']);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(pending.id);
    const shown = await cli(t, ['improvements', 'show', pending.id]);
    expect(shown.stdout).toContain(pending.title);
    expect((await cli(t, ['status'])).stdout).toMatch(/improvements pending 1/);
  });

  it('approves and rejects, with the server refusing what it refuses (exit 1) and bad usage exit 2', async () => {
    const t = createTestApp();
    const pending = await suggestionFor(t, 'broken_bot', () => ({ success_rate: 0.3, requests: 10, error_count: 7 }));
    expect((await cli(t, ['reject', pending.id])).code).toBe(2); // --reason is required
    const approved = await cli(t, ['approve', pending.id]);
    expect(approved.code).toBe(0);
    expect((await t.get(`/api/meta-agent/improvements/${pending.id}`)).body.data.status).toBe('approved');

    const again = await cli(t, ['reject', pending.id, '--reason', 'too late']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^409 .*approved/);
    const missing = await cli(t, ['approve', 'no-such-id']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^404 /);

    expect((await cli(t, ['bogus'])).code).toBe(2);
    expect((await cli(t, ['approve'])).code).toBe(2);
    expect((await cli(t, ['agents', '--nope'])).code).toBe(2);
    const help = await cli(t, ['reject', '--help']);
    expect(help).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Usage: meta-agent reject <id> --reason/) });
  });

  it('sends the token, and says plainly when it is refused or the server cannot be reached', async () => {
    const t = createTestApp({ auth: { tokens: [{ role: 'viewer', token: 'viewer-token-0123456789' }] } });
    expect((await cli(t, ['agents'])).stderr).toMatch(/^401 Authentication required/);
    expect((await cli(t, ['agents'], { META_AGENT_TOKEN: 'viewer-token-0123456789' })).code).toBe(0);
    const unreachable = await cli(undefined, ['status', '--url', 'http://127.0.0.1:9']);
    expect(unreachable).toMatchObject({ code: 1, stderr: expect.stringMatching(/cannot reach Meta Agent at http:\/\/127\.0\.0\.1:9/) });
  });

  it('backs up the running database with every acknowledged row, also those still in the WAL', async () => {
    const t = createTestApp();
    const samples = series('wal_writer', t.clock.now() - 3_600_000, 500, 5_000, () => ({ response_time: 1, success_rate: 1 }));
    expect((await t.post('/api/agents/metrics', { samples })).status).toBe(200);
    expect(statSync(path.join(t.dataDir, 'enhanced_meta_agent.db-wal')).size).toBeGreaterThan(0);

    const target = path.join(t.dataDir, 'copy.db');
    const done = await cli(t, ['backup', target, '--data-dir', t.dataDir]);
    expect(done.code, done.stderr).toBe(0);
    const copy = new Database(target, { readonly: true });
    expect(copy.prepare('SELECT COUNT(*) AS n FROM agent_performance_history').get()).toEqual({ n: 500 });
    copy.close();

    expect((await cli(t, ['backup', target, '--data-dir', t.dataDir])).stderr).toMatch(/exists: give a new file name/);
    const pg = await cli(t, ['backup', path.join(t.dataDir, 'other.db')], { META_AGENT_DATABASE_URL: 'postgres://x@127.0.0.1/db' });
    expect(pg).toMatchObject({ code: 1, stderr: expect.stringMatching(/pg_dump/) });
    expect(existsSync(path.join(t.dataDir, 'other.db'))).toBe(false);
  });

  it('runs as the package bin', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'agents', '--help'], { cwd: path.resolve(import.meta.dirname, '..'), encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^Usage: meta-agent agents/);
  });
});

describe('meta-agent CLI and demo as real processes against a real server', () => {
  const root = path.resolve(import.meta.dirname, '..');
  const run = (args: string[], env: Record<string, string> = {}) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: root, env: { ...process.env, ...env } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c) => (stdout += c));
      child.stderr.on('data', (c) => (stderr += c));
      child.once('exit', (code) => resolve({ code, stdout, stderr }));
    });

  it('adds, lists and expires a silence', async () => {
    const server = await startServerProcess({ META_AGENT_DATA_DIR: tempDataDir() });
    const env = { META_AGENT_URL: server.url };
    const added = await run(['src/cli/main.ts', 'silence', 'add', '--match', 'agent=trade_executor', '--match', 'kind!=offline', '--for', '30m', '--comment', 'deploying 2.4'], env);
    expect(added.code, added.stderr).toBe(0);
    const id = /silence (\S+) created, until (\S+)/.exec(added.stdout)![1]!;

    const listed = await run(['src/cli/main.ts', 'silence', 'list', '--state', 'active'], env);
    expect(listed.code).toBe(0);
    expect(listed.stdout.split('\n')[0]).toMatch(/^ID\s+STATE\s+MATCHERS\s+ENDS\s+CREATED BY\s+COMMENT$/);
    expect(listed.stdout).toMatch(new RegExp(`${id}\\s+active\\s+agent=trade_executor kind!=offline`));

    const expired = await run(['src/cli/main.ts', 'silence', 'expire', id, '--reason', 'deploy done', '--json'], env);
    expect(expired.code).toBe(0);
    expect(JSON.parse(expired.stdout)).toMatchObject({ id, status: { state: 'expired' } });
    expect((await run(['src/cli/main.ts', 'silence', 'expire', id], env))).toMatchObject({ code: 1, stderr: expect.stringMatching(/^409 .*already ended/) });
    expect((await run(['src/cli/main.ts', 'silence', 'add', '--match', 'host=x', '--for', '1h', '--comment', 'x'], env)).code).toBe(2);
    expect((await run(['src/cli/main.ts', 'silence', 'add', '--match', 'agent=x', '--for', 'soon', '--comment', 'x'], env)).code).toBe(2);
    const bad = await run(['src/cli/main.ts', 'silence', 'add', '--match', 'agent=~(a', '--for', '1h', '--comment', 'x'], env);
    expect(bad).toMatchObject({ code: 1, stderr: expect.stringMatching(/^400 .*matchers\[0\]\.value: .*missing closing/) });
    server.child.kill('SIGTERM');
    await server.exit();
  });

  it('stops the demo at the first refusal, naming the role it needs, with a non-zero exit', async () => {
    const viewer = 'viewer-token-0123456789abcdef';
    const server = await startServerProcess({ META_AGENT_DATA_DIR: tempDataDir(), META_AGENT_API_TOKENS: `viewer:${viewer}` });
    const demo = await run(['scripts/demo-fleet.ts', '--url', server.url, '--token', viewer, '--history', '1', '--duration', '5'], {});
    expect(demo.code).toBe(1);
    expect(demo.stderr).toMatch(/refused \(403\): Role viewer may not/);
    expect(demo.stderr).toMatch(/admin token/);
    server.child.kill('SIGTERM');
    await server.exit();
  });
});
