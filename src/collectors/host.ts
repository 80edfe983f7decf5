import { statfs } from 'node:fs/promises';
import os from 'node:os';
import si from 'systeminformation';

/** One reading of the host the meta agent runs on. */
export interface HostReading {
  cpu_usage: number | null;
  memory_usage: number | null;
  memory_used_mb: number | null;
  memory_total_mb: number | null;
  load_average: [number, number, number];
  cpus: number;
  disk: { path: string; used_percent: number; free_bytes: number; total_bytes: number } | null;
}

export interface HostCollector {
  read(): Promise<HostReading>;
}

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

/**
 * CPU % through systeminformation's currentLoad(), which measures between two calls. Its
 * first call waits 500 ms for a baseline, so the collector primes it at creation and every
 * later read measures the time since the previous tick, with no wait. Disk usage comes from
 * statfs on the data directory (no `df` child process). Nothing here blocks the event loop.
 */
export function createHostCollector(dataDir: string): HostCollector {
  let primed = si.currentLoad().catch(() => undefined);
  return {
    async read() {
      await primed;
      const [load, mem, disk] = await Promise.all([
        si.currentLoad().catch(() => undefined),
        si.mem().catch(() => undefined),
        diskUsage(dataDir),
      ]);
      primed = Promise.resolve(undefined);
      const [l1, l5, l15] = os.loadavg();
      return {
        cpu_usage: load && Number.isFinite(load.currentLoad) ? round(load.currentLoad) : null,
        memory_usage: mem && mem.total > 0 ? round((100 * (mem.total - mem.available)) / mem.total) : null,
        memory_used_mb: mem ? round((mem.total - mem.available) / 1_048_576, 1) : null,
        memory_total_mb: mem ? round(mem.total / 1_048_576, 1) : null,
        load_average: [round(l1!), round(l5!), round(l15!)],
        cpus: os.availableParallelism(),
        disk,
      };
    },
  };
}

async function diskUsage(dir: string): Promise<HostReading['disk']> {
  try {
    const s = await statfs(dir);
    const total = s.blocks * s.bsize;
    const free = s.bavail * s.bsize;
    return { path: dir, total_bytes: total, free_bytes: free, used_percent: total > 0 ? round((100 * (total - free)) / total) : 0 };
  } catch {
    return null;
  }
}
