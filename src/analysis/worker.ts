import { parentPort, workerData } from 'node:worker_threads';
import { openAnalysisReader } from '../store/sqlite/analysis-reader.js';
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
  dbFile: string;
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

function run({ now, groups }: WorkerRequest) {
  reader ??= openAnalysisReader(init.dbFile);
  let rowsRead = 0;
  if (cursor < 0) {
    // First run: buckets from the rollups, raw points for the recent window, then fold forward.
    cursor = reader.rollupCursor();
    const raw = reader.samplesInWindow(new Date(now - init.windows.rawMs).toISOString(), cursor);
    state.addRows(raw, now, false);
    state.addRollups(reader.rollups(300, new Date(now - init.windows.fiveMinuteMs).toISOString()), 'fiveMinute');
    state.addRollups(reader.rollups(3600, new Date(now - init.windows.hourlyMs).toISOString()), 'hourly');
    rowsRead += raw.length;
  }
  for (;;) {
    const rows = reader.samplesAfter(cursor, BATCH);
    if (rows.length === 0) break;
    state.addRows(rows, now);
    cursor = rows.at(-1)!.id;
    rowsRead += rows.length;
    if (rows.length < BATCH) break;
  }
  state.evict(now);
  const host = { cpu: [] as Point[], memory: [] as Point[] };
  for (const row of reader.hostSince(new Date(now - init.windows.rawMs).toISOString())) {
    const t = Date.parse(row.timestamp);
    if (row.system_cpu_usage !== null) host.cpu.push({ t, v: row.system_cpu_usage });
    if (row.system_memory_usage !== null) host.memory.push({ t, v: row.system_memory_usage });
  }
  const result = analyze({ now, agents: reader.agents(), state, host, settings: init.settings }, groups);
  return { ...result, rows_read: rowsRead };
}

parentPort!.on('message', (request: WorkerRequest) => {
  let reply: WorkerReply;
  try {
    reply = { id: request.id, ok: true, result: run(request) };
  } catch (error) {
    reply = { id: request.id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  parentPort!.postMessage(reply);
});
