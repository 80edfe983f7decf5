import { parentPort, workerData } from 'node:worker_threads';
import { openAnalysisReader, type AnalysisSource } from '../store/analysis-source.js';
import type { AnalysisReader } from '../store/store.js';
import type { AnalysisSettings, DetectorGroup } from './context.js';
import { analyze } from './engine.js';
import type { Point } from './series.js';
import { createAnalysisState, type StateWindows } from './state.js';

/**
 * The analysis runs here, off the main thread, so a long run never stalls the API.
 * It keeps its state between runs and reads only the rows stored since the last one.
 */
export interface WorkerInit {
  source: AnalysisSource;
  settings: AnalysisSettings;
  windows: StateWindows;
}

export type WorkerRequest = { id: number; now: number; groups: DetectorGroup[] };
export type WorkerReply =
  | { id: number; ok: true; result: ReturnType<typeof analyze> & { rows_read: number } }
  | { id: number; ok: false; error: string };

const BATCH = 50_000;
const init = workerData as WorkerInit;
const state = createAnalysisState(init.windows);
let reader: AnalysisReader | undefined;
let cursor = -1;

async function run({ now, groups }: WorkerRequest) {
  reader ??= openAnalysisReader(init.source);
  let rowsRead = 0;
  if (cursor < 0) {
    // First run: buckets from the rollups, raw points for the recent window, then fold forward.
    const since = (ms: number) => new Date(now - ms).toISOString();
    const seed = await reader.seed({ rawSinceIso: since(init.windows.rawMs), fiveMinuteSinceIso: since(init.windows.fiveMinuteMs), hourlySinceIso: since(init.windows.hourlyMs) });
    cursor = seed.cursor;
    state.addRows(seed.raw, now, false);
    state.addRollups(seed.fiveMinute, 'fiveMinute');
    state.addRollups(seed.hourly, 'hourly');
    rowsRead += seed.raw.length;
  }
  for (;;) {
    const rows = await reader.samplesAfter(cursor, BATCH);
    if (rows.length === 0) break;
    state.addRows(rows, now);
    cursor = rows.at(-1)!.id;
    rowsRead += rows.length;
    if (rows.length < BATCH) break;
  }
  state.evict(now);
  const host = { cpu: [] as Point[], memory: [] as Point[] };
  for (const row of await reader.hostSince(new Date(now - init.windows.rawMs).toISOString())) {
    const t = Date.parse(row.timestamp);
    if (row.system_cpu_usage !== null) host.cpu.push({ t, v: row.system_cpu_usage });
    if (row.system_memory_usage !== null) host.memory.push({ t, v: row.system_memory_usage });
  }
  // Changes from before the oldest window on, so a finding anywhere in it can name the one before it.
  const changes = await reader.versionChanges(new Date(now - init.windows.fiveMinuteMs - init.settings.changeWindowMinutes * 60_000).toISOString());
  const result = analyze({ now, agents: await reader.agents(), state, host, settings: init.settings, changes }, groups);
  return { ...result, rows_read: rowsRead };
}

// One run at a time, in order of arrival: the state is folded forward by each.
let queue: Promise<void> = Promise.resolve();
parentPort!.on('message', (request: WorkerRequest) => {
  queue = queue.then(async () => {
    let reply: WorkerReply;
    try {
      reply = { id: request.id, ok: true, result: await run(request) };
    } catch (error) {
      reply = { id: request.id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
    }
    parentPort!.postMessage(reply);
  });
});
