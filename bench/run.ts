import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from './lib/server.js';
import type { Row } from './lib/stats.js';
import { benchAnalysis, benchBackfillAnalysis } from './suites/analysis.js';
import { benchColdStart } from './suites/cold-start.js';
import { benchDetection } from './suites/detection.js';
import { benchFanout } from './suites/fanout.js';
import { benchReplicas } from './suites/replicas.js';
import { benchFleetHistory } from './suites/fleet-history.js';
import { benchGraphqlStatus } from './suites/graphql.js';
import { benchIdle } from './suites/idle.js';
import { benchIngestBatched, benchIngestSingle } from './suites/ingest.js';
import { benchIngestUnderLoad } from './suites/ingest-under-load.js';
import { benchOtlpIngest } from './suites/otlp.js';
import { benchQueries, seededDataDir } from './suites/queries.js';
import { benchSoak } from './suites/soak.js';

export interface BenchOptions {
  quick: boolean;
}

const SUITES = ['ingest', 'otlp', 'graphql', 'fanout', 'queries', 'analysis', 'idle', 'cold-start', 'soak', 'detection', 'replicas'] as const;
type Suite = (typeof SUITES)[number];

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } } });
const options: BenchOptions = { quick: values.quick ?? false };
const only = values.only?.split(',') as Suite[] | undefined;
if (only?.some((s) => !SUITES.includes(s))) {
  console.error(`--only takes some of ${SUITES.join(', ')}`);
  process.exit(2);
}
const wanted = (suite: Suite) => !only || only.includes(suite);

/**
 * `npm run bench`: every figure of the performance table, each against the real server started
 * as its own process on loopback and, where there is one, a reference measured in the same run.
 */
async function main(): Promise<void> {
  const rows: Row[] = [];
  const run = async (suite: Suite, fn: () => Promise<Row | Row[]>) => {
    if (!wanted(suite)) return;
    process.stderr.write(`running ${suite}…\n`);
    try {
      const result = await fn();
      rows.push(...(Array.isArray(result) ? result : [result]));
    } catch (error) {
      rows.push({ figure: suite, ours: NaN, unit: '', reference: null, referenceLabel: null, ratio: null, target: '', pass: false, notes: `failed: ${(error as Error).message.split('\n')[0]}` });
    }
  };
  await run('ingest', () => benchIngestBatched(options));
  await run('ingest', () => benchIngestSingle(options));
  await run('ingest', () => benchIngestUnderLoad(options));
  await run('otlp', () => benchOtlpIngest(options));
  await run('graphql', () => benchGraphqlStatus(options));
  await run('fanout', () => benchFanout(options));
  if (wanted('queries') || wanted('analysis')) {
    process.stderr.write('seeding history…\n');
    const seeded = await seededDataDir(options);
    await run('queries', () => benchQueries(options, seeded));
    await run('queries', () => benchFleetHistory(options));
    await run('analysis', () => benchAnalysis(options, seeded));
    await run('analysis', () => benchBackfillAnalysis(options));
  }
  await run('idle', () => benchIdle(options));
  await run('cold-start', () => benchColdStart(options));
  await run('soak', () => benchSoak(options));
  await run('detection', () => benchDetection(options));
  await run('replicas', () => benchReplicas(options));

  const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  printTable(rows, machine);
  const dir = path.join(ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `bench-${options.quick ? 'quick' : 'full'}.json`);
  writeFileSync(file, `${JSON.stringify({ at: new Date().toISOString(), machine, quick: options.quick, rows }, null, 2)}\n`);
  console.log(`\nwritten to ${path.relative(ROOT, file)}`);
}

function printTable(rows: Row[], machine: string): void {
  const cells = rows.map((r) => [
    r.figure,
    `${Number.isFinite(r.ours) ? r.ours : '–'} ${r.unit}`,
    r.reference === null ? '–' : `${r.reference} (${r.referenceLabel})`,
    r.ratio === null ? '–' : String(r.ratio),
    r.target,
    r.pass ? 'pass' : 'FAIL',
    r.notes ?? '',
  ]);
  const header = ['figure', 'ours', 'reference, same run', 'ratio', 'target', '', 'notes'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => `| ${c.map((x, i) => x.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(`\n${machine}${options.quick ? ' (quick run: smaller loads)' : ''}\n`);
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const c of cells) console.log(line(c));
}

void main();
