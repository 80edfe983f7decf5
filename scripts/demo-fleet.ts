import { parseArgs } from 'node:util';
import { demoFleet, seededRandom, type DemoSample } from './demo/fleet.js';

/**
 * `npm run demo`: a simulated trading fleet reporting to a running meta agent through its
 * public REST API only. It backfills some history first (so trends and forecasts have data at
 * once), asks for an analysis, then reports live every few seconds.
 */
const { values } = parseArgs({
  options: {
    url: { type: 'string', default: process.env.META_AGENT_URL ?? 'http://127.0.0.1:8081' },
    token: { type: 'string', default: process.env.META_AGENT_TOKEN },
    interval: { type: 'string', default: '5' },
    history: { type: 'string', default: '2' },
    duration: { type: 'string', default: '0' },
    seed: { type: 'string', default: '42' },
  },
});

const url = values.url!.replace(/\/$/, '');
const intervalMs = Number(values.interval) * 1000;
const historyHours = Number(values.history);
const durationMs = Number(values.duration) * 1000;
if (!(intervalMs >= 500) || !(historyHours >= 0) || !(durationMs >= 0)) {
  console.error('usage: npm run demo -- [--url URL] [--interval seconds ≥ 0.5] [--history hours] [--duration seconds, 0 = forever] [--token T]');
  process.exit(2);
}

const headers: Record<string, string> = { 'content-type': 'application/json' };
if (values.token) headers.authorization = `Bearer ${values.token}`;
const random = seededRandom(Number(values.seed));
const start = Date.now();
const healed = new Set<string>();
const fleet = demoFleet(start, healed);

async function call(method: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = await response.json().catch(() => ({}));
  if (response.status === 401 || response.status === 403) {
    // No point going on: every later call would be refused the same way.
    console.error(`${method} ${path} was refused (${response.status}): ${json.message ?? response.statusText}`);
    console.error('The demo reports metrics (agent role), triggers analysis and decides suggestions (operator role): give it an admin token with --token or META_AGENT_TOKEN.');
    process.exit(1);
  }
  if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${json.message ?? ''}`);
  return json;
}

async function post(samples: DemoSample[]): Promise<void> {
  for (let i = 0; i < samples.length; i += 5000) await call('POST', '/api/agents/metrics', { samples: samples.slice(i, i + 5000) });
}

async function backfill(): Promise<void> {
  const step = 30_000;
  const samples: DemoSample[] = [];
  for (let t = start - historyHours * 3_600_000; t < start; t += step) {
    for (const agent of fleet) {
      const sample = agent.sample(t, random);
      if (sample) samples.push(sample);
    }
  }
  await post(samples);
  console.log(`backfilled ${samples.length} samples over the last ${historyHours} h`);
  await analyse();
}

/** The priority each suggestion was last printed with, so a re-ranking is printed too. */
const printed = new Map<string, string>();

async function analyse(): Promise<void> {
  const analysis = await call('POST', '/api/meta-agent/trigger-analysis');
  type Suggestion = { id: string; priority: string; title: string };
  const created = analysis.data.improvements_created as Suggestion[];
  const reranked = (analysis.data.improvements_updated as Suggestion[]).filter((i) => printed.has(i.id) && printed.get(i.id) !== i.priority);
  const lines = [
    ...created.map((i) => `\n  - [${i.priority}] ${i.title}`),
    ...reranked.map((i) => `\n  ~ [${i.priority}] ${i.title} (was ${printed.get(i.id)})`),
  ];
  for (const i of [...created, ...reranked]) printed.set(i.id, i.priority);
  console.log(`analysis: ${analysis.data.findings.length} findings, ${created.length} new suggestions${reranked.length ? `, ${reranked.length} re-ranked` : ''}${lines.join('')}`);
}

/** A completed fix heals the agent it was for, so verification has something to find. */
async function applyCompletedFixes(): Promise<void> {
  const completed = (await call('GET', '/api/meta-agent/improvements?status=completed')).data as Array<{ title: string; affected_components: string[] }>;
  for (const improvement of completed) {
    for (const name of improvement.affected_components) {
      if (healed.has(name) || !fleet.some((a) => a.name === name)) continue;
      healed.add(name);
      console.log(`${name} healed: "${improvement.title}" was completed`);
    }
  }
}

async function tick(): Promise<void> {
  await applyCompletedFixes();
  const now = Date.now();
  const samples = fleet.map((a) => a.sample(now, random)).filter((s): s is DemoSample => s !== null);
  await post(samples);
}

async function main(): Promise<void> {
  await call('GET', '/api/meta-agent/status').catch((error: Error) => {
    console.error(`cannot reach the meta agent at ${url} (${error.message}); start it with npm start`);
    process.exit(1);
  });
  console.log(`demo fleet reporting to ${url} every ${intervalMs / 1000} s:`);
  for (const agent of fleet) console.log(`  ${agent.name.padEnd(20)} ${agent.story}`);
  if (historyHours > 0) await backfill();
  let ticks = 0;
  const everyTicks = (ms: number) => Math.max(1, Math.round(ms / intervalMs));
  const timer = setInterval(() => {
    tick()
      .then(async () => {
        ticks += 1;
        if (ticks % everyTicks(30_000) === 0) {
          const agents = (await call('GET', '/api/agents/status')).data as Array<{ name: string; health: string }>;
          console.log(`${new Date().toISOString()}  ${agents.map((a) => `${a.name}=${a.health}`).join('  ')}`);
        }
        // The server analyses every 5 minutes on its own; the demo asks each minute so faults show sooner.
        if (ticks % everyTicks(60_000) === 0) await analyse();
      })
      .catch((error: Error) => console.error(`report failed: ${error.message}`));
    if (durationMs > 0 && Date.now() - start >= durationMs) {
      clearInterval(timer);
      void analyse()
        .catch((error: Error) => console.error(`analysis failed: ${error.message}`))
        .finally(() => console.log('demo finished'));
    }
  }, intervalMs);
  const stop = () => {
    clearInterval(timer);
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void main();
