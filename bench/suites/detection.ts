import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { samplesBetween, scenarioFleet } from '../../scripts/demo/scenario.js';
import { replay, type ReplaySample } from '../lib/replay.js';
import { ROOT } from '../lib/server.js';
import { round, type Row } from '../lib/stats.js';
import type { BenchOptions } from '../run.js';

const HOUR = 3_600_000;
const STEP = 5 * 60_000;

interface Tally {
  tp: number;
  fn: number;
  fp: number;
}

interface Scorer {
  loadSeries(): Array<{ file: string; pts: Array<{ t: number; v: number }> }>;
  score(times: number[], series: unknown): Tally;
  floor(series: unknown): number[];
  f1(tally: Tally): number;
}

const add = (a: Tally, b: Tally): Tally => ({ tp: a.tp + b.tp, fn: a.fn + b.fn, fp: a.fp + b.fp });

/**
 * Detection quality, through the product's own analysis replayed as live operation would run it:
 * the labelled development set beside its floor detector (when ../shared/eval is there), and
 * generated fleets with known faults and healthy agents with nuisances.
 */
export async function benchDetection(options: BenchOptions): Promise<Row[]> {
  return [...(await labelledSeries()), ...generatedFleets(options.quick ? [1] : [1, 2, 3])];
}

/** The development set: each series as one agent's metric (CPU series as cpu_usage, the rest as response_time), an analysis every hour. */
async function labelledSeries(): Promise<Row[]> {
  const scorerFile = path.resolve(ROOT, '../shared/eval/score.mjs');
  if (!existsSync(scorerFile)) {
    return [{ figure: 'labelled series (NAB development set), windowed F1', ours: NaN, unit: '', reference: null, referenceLabel: null, ratio: null, target: '>= 2x the floor', pass: true, notes: `skipped: no ${path.relative(ROOT, scorerFile)} here` }];
  }
  const scorer = (await import(pathToFileURL(scorerFile).href)) as Scorer;
  let ours: Tally = { tp: 0, fn: 0, fp: 0 };
  let floor: Tally = { tp: 0, fn: 0, fp: 0 };
  const started = performance.now();
  const series = scorer.loadSeries();
  for (const s of series) {
    const metric = /cpu/i.test(s.file) ? 'cpu_usage' : 'response_time';
    const samples: ReplaySample[] = s.pts.map((p) => ({ agent: 'series', t: p.t, fields: { [metric]: p.v } }));
    const episodes = replay(samples, { stepMs: HOUR });
    const detections = [...episodes.values()].filter((e) => e.kind === 'anomaly').map((e) => Date.parse(e.started_at));
    ours = add(ours, scorer.score(detections, s));
    floor = add(floor, scorer.score(scorer.floor(s), s));
  }
  const f1 = scorer.f1(ours);
  const reference = scorer.f1(floor);
  return [
    {
      figure: `labelled series (NAB development set, ${series.length} series), windowed F1 of the anomaly findings`,
      ours: round(f1, 3),
      unit: 'F1',
      reference: round(reference, 3),
      referenceLabel: 'floor: causal robust z-score, |z| > 5',
      ratio: round(f1 / reference, 2),
      target: '>= 2x the floor',
      pass: f1 >= 2 * reference,
      notes: `windows found ${ours.tp}/${ours.tp + ours.fn}, false-alarm events ${ours.fp} (floor ${floor.tp}/${floor.tp + floor.fn}, ${floor.fp}); ${Math.round((performance.now() - started) / 1000)} s`,
    },
  ];
}

/** Generated fleets: each fault kind next to healthy agents with noise and nuisances, 3 days of history, 8 hours live with an analysis every 5 minutes. */
function generatedFleets(seeds: number[]): Row[] {
  const delays = new Map<string, number[]>();
  const missed: string[] = [];
  const accusations = new Set<string>();
  const byDetector = new Map<string, { faulty: number; healthy: number }>();
  let healthyAgentDays = 0;
  for (const seed of seeds) {
    const live = Date.parse('2026-11-25T06:00:00.000Z');
    const fleet = scenarioFleet(live, seed);
    const healthy = new Set(fleet.filter((a) => !a.fault).map((a) => a.name));
    healthyAgentDays += (healthy.size * 8) / 24;
    const samples: ReplaySample[] = samplesBetween(fleet, live - 3 * 24 * HOUR, live + 8 * HOUR).map((s) => {
      const { agent_name, timestamp, ...fields } = s as Record<string, number | string>;
      const numeric = Object.fromEntries(Object.entries(fields).filter(([key]) => ['response_time', 'success_rate', 'error_count', 'requests', 'cpu_usage', 'memory_usage'].includes(key)));
      return { agent: String(agent_name), t: Date.parse(String(timestamp)), fields: numeric as ReplaySample['fields'] };
    });
    const found = new Map<string, number>();
    const seen = new Set<string>();
    replay(samples, {
      stepMs: STEP,
      from: live + STEP,
      onRun: ({ now, findings, proposals }) => {
        for (const f of findings) {
          if (!f.agent_name || seen.has(`${seed}|${f.episode_key}`)) continue;
          seen.add(`${seed}|${f.episode_key}`);
          const tally = byDetector.get(f.kind) ?? { faulty: 0, healthy: 0 };
          if (healthy.has(f.agent_name)) tally.healthy += 1;
          else tally.faulty += 1;
          byDetector.set(f.kind, tally);
        }
        for (const p of proposals) {
          for (const name of p.draft.affected_components) {
            if (healthy.has(name)) accusations.add(`seed ${seed}: ${name} (${p.draft.title})`);
            const fault = fleet.find((a) => a.name === name)?.fault;
            if (fault && !found.has(name) && fault.expectedType.includes(p.draft.type)) found.set(name, now);
          }
        }
      },
    });
    for (const agent of fleet.filter((a) => a.fault)) {
      const at = found.get(agent.name);
      if (at === undefined) missed.push(`seed ${seed}: ${agent.fault!.kind}`);
      else delays.set(agent.fault!.kind, [...(delays.get(agent.fault!.kind) ?? []), (at - (live + agent.fault!.at)) / 60_000]);
    }
  }
  const faults = [...delays.values()].reduce((n, d) => n + d.length, 0) + missed.length;
  const delayNotes = [...delays.entries()].map(([kind, d]) => `${kind} ${Math.max(...d)} min`).join(', ');
  const detectorNotes = [...byDetector.entries()].map(([kind, t]) => `${kind} ${t.faulty}/${t.healthy}`).join(', ');
  return [
    {
      figure: `generated fleets (${seeds.length} seed${seeds.length === 1 ? '' : 's'}): faults found`,
      ours: faults - missed.length,
      unit: `of ${faults}`,
      reference: null,
      referenceLabel: null,
      ratio: null,
      target: 'every fault',
      pass: missed.length === 0,
      notes: `worst detection delay per fault: ${delayNotes}${missed.length ? `; missed: ${missed.join(', ')}` : ''}`,
    },
    {
      figure: 'the same, healthy agents accused (suggestions naming them)',
      ours: accusations.size,
      unit: `in ${round(healthyAgentDays, 1)} healthy agent-days`,
      reference: null,
      referenceLabel: null,
      ratio: null,
      target: '0',
      pass: accusations.size === 0,
      notes: `${round(accusations.size / healthyAgentDays, 2)} per healthy agent-day; findings by detector on faulty/healthy agents: ${detectorNotes}${accusations.size ? `; ${[...accusations].slice(0, 5).join('; ')}` : ''}`,
    },
  ];
}
