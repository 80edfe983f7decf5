import { statfs } from 'node:fs/promises';
import os from 'node:os';
import si from 'systeminformation';
import { round } from '../domain/units.js';

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


/**
 * CPU % is the busy share of the CPU time between two reads (the first read measures from
 * creation), from the kernel's counters through os.cpus(): systeminformation's currentLoad()
 * runs `cat /proc/stat` with execSync on Linux, a child process that held the event loop
 * 30 ms or more on every health tick. Memory comes from systeminformation (it reads
 * /proc/meminfo asynchronously), disk usage from statfs on the data directory.
 */
export function createHostCollector(dataDir: string): HostCollector {
  let previous = cpuTimes();
  return {
    async read() {
      const [mem, disk] = await Promise.all([si.mem().catch(() => undefined), diskUsage(dataDir)]);
      const now = cpuTimes();
      const total = now.total - previous.total;
      const cpu = total > 0 ? 100 * (1 - (now.idle - previous.idle) / total) : null;
      previous = now;
      const [l1, l5, l15] = os.loadavg();
      return {
        cpu_usage: cpu === null ? null : round(Math.min(100, Math.max(0, cpu)), 2),
        memory_usage: mem && mem.total > 0 ? round((100 * (mem.total - mem.available)) / mem.total, 2) : null,
        memory_used_mb: mem ? round((mem.total - mem.available) / 1_048_576, 1) : null,
        memory_total_mb: mem ? round(mem.total / 1_048_576, 1) : null,
        load_average: [round(l1!, 2), round(l5!, 2), round(l15!, 2)],
        cpus: os.availableParallelism(),
        disk,
      };
    },
  };
}

function cpuTimes(): { idle: number; total: number } {
  let idle = 0;
  let total = 0;
  for (const { times } of os.cpus()) {
    idle += times.idle;
    total += times.user + times.nice + times.sys + times.idle + times.irq;
  }
  return { idle, total };
}

async function diskUsage(dir: string): Promise<HostReading['disk']> {
  try {
    const s = await statfs(dir);
    const total = s.blocks * s.bsize;
    const free = s.bavail * s.bsize;
    return { path: dir, total_bytes: total, free_bytes: free, used_percent: total > 0 ? round((100 * (total - free)) / total, 2) : 0 };
  } catch {
    return null;
  }
}
