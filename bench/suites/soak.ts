import { writeFileSync } from 'node:fs';
import { seededRandom } from '../../scripts/demo/fleet.js';
import { createClient, type Reply } from '../lib/http-load.js';
import { memoryMb } from '../lib/proc.js';
import { rawSubscriber, type Pace, type RawSubscriber } from '../lib/raw-subscriber.js';
import { startServer } from '../lib/server.js';
import { percentile, round, type Row } from '../lib/stats.js';
import type { BenchOptions } from '../run.js';

const AGENTS = 10_000;
const BATCH = 5000;
const TICK_S = 2;
/** Each agent reports every REPORT_ROUNDS × TICK_S = 30 s. */
const REPORT_ROUNDS = 15;
const SOCKETS = 40;
const QUERIES = [
  'subscription { healthSnapshot { timestamp performanceScore overallHealth agents { total healthy degraded failing offline } } }',
  'subscription { agentStatus { at agent { name health healthReason metrics { responseTime successRate } } } }',
  'subscription { agentStatus(changesOnly: true) { at previousHealth agent { name health } } }',
  'subscription { improvementEvents { kind improvement { id title priority status } } }',
  'subscription { findingEvents { kind finding { id kind agentName metric message } } }',
];

const name = (i: number) => `soak_${String(i).padStart(5, '0')}`;

/**
 * Never fall over: 10,000 agents reporting every 2 s, a health tick every 2 s, an analysis every
 * minute, 200 subscriptions (40 sockets × 5) of which 8 sockets read slowly and 2 never read,
 * and a backfill sent newest-first, while /healthz is probed every 200 ms.
 */
export async function benchSoak(options: BenchOptions): Promise<Row[]> {
  const durationMs = Number(process.env.SOAK_SECONDS ?? (options.quick ? 45 : 300)) * 1000;
  const server = await startServer({ META_AGENT_HEALTH_INTERVAL_S: String(TICK_S), META_AGENT_ANALYSIS_INTERVAL_S: '60' });
  const client = createClient(server.url, 8);
  const random = seededRandom(5);
  const subscribers: RawSubscriber[] = [];
  const healthz: number[] = [];
  let peakRss = 0;
  let failedPosts = 0;
  const refusals = new Set<string>();
  let acceptedSamples = 0;
  const timers: NodeJS.Timeout[] = [];
  try {
    const post = async (samples: unknown[]): Promise<Reply | undefined> => {
      const body = JSON.stringify({ samples });
      // Once more on a dropped connection, as an agent would: the server closes idle keep-alive
      // sockets after 5 s, and a request can cross that close on the wire.
      const send = () => client.send('POST', '/api/agents/metrics', body);
      const reply = await send().catch(send).catch(() => undefined);
      if (reply?.status === 200) acceptedSamples += samples.length;
      else {
        failedPosts += 1;
        refusals.add(reply ? `${reply.status} ${reply.body.slice(0, 120)}` : 'no answer');
      }
      return reply;
    };
    // Every agent reports every 30 s, a fifteenth of the fleet each 2 s; a rotating twentieth of
    // the fleet is slow, so health, findings and suggestions keep changing.
    let round_ = 0;
    const reportRound = async () => {
      const now = Date.now();
      const part = round_ % REPORT_ROUNDS;
      const slow = Math.floor(round_ / REPORT_ROUNDS) % 20;
      round_ += 1;
      const due = Array.from({ length: AGENTS }, (_, i) => i).filter((i) => i % REPORT_ROUNDS === part);
      for (let start = 0; start < due.length; start += BATCH) {
        const samples = due.slice(start, start + BATCH).map((i) => ({
          agent_name: name(i),
          timestamp: new Date(now).toISOString(),
          response_time: i % 20 === slow ? 45 : 1 + random(),
          success_rate: 0.99,
          cpu_usage: 20 + 10 * random(),
          memory_usage: 300,
        }));
        await post(samples);
      }
    };
    // Register the whole fleet first.
    for (let r = 0; r < REPORT_ROUNDS; r++) await reportRound();

    const url = `${server.url.replace('http', 'ws')}/graphql`;
    for (let s = 0; s < SOCKETS; s++) {
      const pace: Pace = s < 2 ? 'never' : s < 10 ? 'slow' : 'reads';
      subscribers.push(await rawSubscriber(url, QUERIES, pace));
    }

    // A backfill of 50 agents × 3 h at 10 s, sent newest-first while the fleet reports.
    const backfillEnd = Date.now();
    const backfill = Array.from({ length: 50 * 1080 }, (_, k) => {
      const agent = k % 50;
      const step = Math.floor(k / 50);
      return { agent_name: `backfill_${agent}`, timestamp: new Date(backfillEnd - step * 10_000).toISOString(), response_time: 2 + random(), memory_usage: 200 };
    });

    const started = Date.now();
    // A round still under way when the next is due makes the next one wait its turn (counted).
    let reporting: Promise<void> | undefined;
    let lateRounds = 0;
    timers.push(
      setInterval(() => {
        if (reporting) return void (lateRounds += 1);
        reporting = reportRound().finally(() => (reporting = undefined));
      }, TICK_S * 1000),
    );
    let backfillSent = 0;
    timers.push(
      setInterval(() => {
        if (backfillSent >= backfill.length) return;
        const batch = backfill.slice(backfillSent, backfillSent + BATCH);
        backfillSent += batch.length;
        void post(batch).catch(() => undefined);
      }, 3000),
    );
    timers.push(
      setInterval(() => {
        try {
          const rss = memoryMb(server.pid).rss;
          peakRss = Math.max(peakRss, rss);
          if (process.env.SOAK_TRACE && Date.now() % 15_000 < 500) process.stderr.write(`${Math.round((Date.now() - started) / 1000)} s: rss ${Math.round(rss)} MB\n`);
        } catch {
          // the server is gone: reported below
        }
      }, 500),
    );
    const probe = createClient(server.url, 1, {}, 10_000);
    while (Date.now() - started < durationMs && server.child.exitCode === null) {
      const sent = performance.now();
      const reply = await probe.send('GET', '/healthz').catch(() => ({ status: 0, ms: NaN, body: '' }));
      healthz.push(reply.status === 200 ? performance.now() - sent : Infinity);
      await new Promise((r) => setTimeout(r, 200));
    }
    for (const timer of timers.splice(0)) clearInterval(timer);
    await reporting;
    const alive = server.child.exitCode === null;
    const health = alive ? JSON.parse((await probe.send('GET', '/api/meta-agent/health')).body).data : undefined;
    probe.close();
    const stall = health?.event_loop?.max_ms_since_start ?? NaN;
    const p99 = percentile(healthz, 99);
    const jobErrors = (health?.jobs ?? []).filter((j: { last_error: string | null }) => j.last_error).map((j: { name: string }) => j.name);
    const delivered = subscribers.slice(10).reduce((sum, s) => sum + s.received(), 0);
    const ended = subscribers.filter((s) => s.errors().length > 0 || s.closed()).length;
    const notes = `${alive ? 'stayed up' : 'DIED'}, ${Math.round((Date.now() - started) / 1000)} s, ${acceptedSamples} samples accepted, ${failedPosts} posts refused, ${lateRounds} report rounds late, ${backfillSent} backfilled newest-first, ${delivered} events to reading subscribers, ${ended} sockets ended or errored, job errors: ${jobErrors.join(', ') || 'none'}${refusals.size ? `; refusals: ${[...refusals].join(' | ')}` : ''}`;
    const figure = (what: string) => `soak: 10,000 agents, 2 s ticks, 200 subscriptions (10 sockets slow or stuck), backfill; ${what}`;
    return [
      { figure: figure('peak RSS'), ours: round(peakRss, 0), unit: 'MB', reference: null, referenceLabel: null, ratio: null, target: '< 1024 MB, stays up', pass: alive && peakRss < 1024, notes },
      { figure: figure('longest event-loop stall'), ours: round(stall, 0), unit: 'ms', reference: null, referenceLabel: null, ratio: null, target: '< 1000 ms', pass: stall < 1000 },
      { figure: figure('/healthz latency'), ours: round(p99, 1), unit: 'ms p99', reference: null, referenceLabel: null, ratio: null, target: 'p99 < 250 ms', pass: p99 < 250, notes: `p50 ${round(percentile(healthz, 50), 1)} ms, max ${round(Math.max(...healthz), 0)} ms, ${healthz.length} probes` },
    ];
  } finally {
    for (const timer of timers) clearInterval(timer);
    for (const s of subscribers) s.close();
    client.close();
    await server.stop();
    // SOAK_LOG=file keeps the server's log of the run.
    if (process.env.SOAK_LOG) writeFileSync(process.env.SOAK_LOG, server.output());
  }
}
