import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

/**
 * `npm run worker -- --role code_editor`: a reference specialist worker. It subscribes to the
 * role's assignments over graphql-ws, claims each one, renews its lease while working, and
 * completes it (or fails it). The work itself is `--exec "<command>"`, which gets the
 * improvement as JSON on stdin: exit 0 completes with its output as the summary (or, when the
 * output is JSON, its {summary, changes}); anything else fails with its error output. Without
 * --exec it only acknowledges the plan after --work-seconds and says so in the summary.
 */
const ROLES = ['code_editor', 'prompt_engineer', 'system_architect', 'performance_analyst'];
const { values } = parseArgs({
  options: {
    role: { type: 'string' },
    url: { type: 'string', default: process.env.META_AGENT_URL ?? 'http://127.0.0.1:8081' },
    token: { type: 'string', default: process.env.META_AGENT_TOKEN },
    id: { type: 'string', default: `worker-${hostname().replace(/[^A-Za-z0-9_.-]/g, '')}-${process.pid}` },
    exec: { type: 'string' },
    'work-seconds': { type: 'string', default: '3' },
    once: { type: 'boolean', default: false },
  },
});
if (!values.role || !ROLES.includes(values.role)) {
  console.error(`usage: npm run worker -- --role <${ROLES.join('|')}> [--url URL] [--token T] [--id ID] [--exec "command"] [--work-seconds N] [--once]`);
  process.exit(2);
}
const base = values.url!.replace(/\/$/, '');
const worker = values.id!;
const headers: Record<string, string> = { 'content-type': 'application/json' };
if (values.token) headers.authorization = `Bearer ${values.token}`;

async function rest(path: string, body: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(base + path, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: response.status, json: await response.json().catch(() => ({})) };
}

function runExec(command: string, improvement: unknown): Promise<{ ok: boolean; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, { shell: true, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, IMPROVEMENT_ID: (improvement as { id: string }).id } });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    child.on('close', (code) => resolve({ ok: code === 0, out: out.trim(), err: err.trim() || `exit code ${code}` }));
    child.stdin.end(JSON.stringify(improvement));
  });
}

async function handle(improvement: { id: string; title: string; implementation_plan?: { steps?: string[] } }): Promise<void> {
  const claim = await rest(`/api/meta-agent/improvements/${improvement.id}/claim`, { worker });
  if (claim.status !== 200) return console.log(`skip ${improvement.id}: ${claim.json.message}`);
  const lease = Date.parse(claim.json.lease_expires_at) - Date.now();
  console.log(`claimed ${improvement.id}: ${improvement.title}`);
  const renew = setInterval(() => void rest(`/api/meta-agent/improvements/${improvement.id}/renew`, { worker }), Math.max(1000, lease / 3));
  try {
    const full = claim.json.data;
    let summary: string;
    let changes: unknown[] = [];
    if (values.exec) {
      const result = await runExec(values.exec, full);
      if (!result.ok) {
        const failed = await rest(`/api/meta-agent/improvements/${improvement.id}/fail`, { worker, reason: result.err.slice(0, 2000) });
        return console.log(`failed ${improvement.id}: ${failed.json.message ?? failed.status}`);
      }
      try {
        const parsed = JSON.parse(result.out) as { summary?: string; changes?: unknown[] };
        summary = parsed.summary ?? result.out;
        changes = parsed.changes ?? [];
      } catch {
        summary = result.out || `${values.exec} succeeded`;
      }
    } else {
      await new Promise((r) => setTimeout(r, Number(values['work-seconds']) * 1000));
      const steps = full.implementation_plan?.steps?.length ?? 0;
      summary = `Reference worker ${worker} acknowledged the plan (${steps} steps); no executor was configured (--exec), so no change was made by it`;
    }
    const done = await rest(`/api/meta-agent/improvements/${improvement.id}/complete`, { worker, summary, changes });
    console.log(`completed ${improvement.id}: ${done.json.message ?? done.status}`);
  } finally {
    clearInterval(renew);
  }
}

let online = false;
const client = createClient({
  url: `${base.replace(/^http/, 'ws')}/graphql`,
  webSocketImpl: WebSocket,
  connectionParams: values.token ? { authorization: `Bearer ${values.token}` } : undefined,
  retryAttempts: Infinity,
  shouldRetry: () => true,
  // Say when the server goes away and comes back, once each, not once per retry.
  on: {
    connected: () => {
      if (!online) console.log(`connected to ${base}`);
      online = true;
    },
    closed: (event) => {
      if (online) console.log(`connection to ${base} lost (${(event as { code?: number }).code ?? 'no code'}); reconnecting…`);
      online = false;
    },
  },
});
console.log(`${worker} serving role ${values.role} at ${base}`);
const queue: Array<{ id: string; title: string }> = [];
let busy = false;
const drain = async () => {
  if (busy) return;
  busy = true;
  while (queue.length > 0) {
    await handle(queue.shift()!).catch((error: Error) => console.error(`error: ${error.message}`));
    if (values.once) process.exit(0);
  }
  busy = false;
};
client.subscribe<{ assignments: { id: string; title: string } }>(
  { query: `subscription ($role: SpecialistRole!) { assignments(role: $role) { id title } }`, variables: { role: values.role.toUpperCase() } },
  {
    next: ({ data, errors }) => {
      if (errors) return console.error(`subscription error: ${errors.map((e) => e.message).join('; ')}`);
      if (data) queue.push(data.assignments);
      void drain();
    },
    error: (error) => console.error('subscription failed:', error),
    complete: () => console.log('subscription ended'),
  },
);
process.once('SIGINT', () => void Promise.resolve(client.dispose()).then(() => process.exit(0)));
process.once('SIGTERM', () => void Promise.resolve(client.dispose()).then(() => process.exit(0)));
