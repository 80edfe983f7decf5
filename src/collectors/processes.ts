import { readdir, readFile } from 'node:fs/promises';
import si from 'systeminformation';
import { emptySample, type AgentSample } from '../domain/sample.js';

export interface ProcessTarget {
  name: string;
  pid?: number | undefined;
  /** A regular expression matched against the full command line; matches are summed. */
  processPattern?: string | undefined;
}

export interface ProcessReading {
  /** One per target whose process is running: CPU % of one core and resident MB. */
  samples: AgentSample[];
  /** The targets with no process running, and what was looked for. */
  missing: Array<{ name: string; reason: string }>;
}

export interface ProcessSampler {
  sample(targets: readonly ProcessTarget[], timestamp: string): Promise<ProcessReading>;
}

/** What a target's process was looked for by, as a person reads it. */
export function describeTarget(target: ProcessTarget): string {
  const by = [target.pid ? `pid ${target.pid}` : '', target.processPattern ? `a command line matching /${target.processPattern}/` : ''].filter(Boolean);
  return `no running process with ${by.join(' or ')}`;
}

interface CpuMark {
  ticks: number;
  at: number;
}

/** Linux kernels count CPU time in USER_HZ ticks, 100 per second on every mainstream architecture. */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * On Linux reads /proc directly: no `ps` child process per tick, a few small file reads
 * per process. CPU % is the CPU time used since the previous tick over the wall time
 * between them, so a process's first tick reports memory only. Elsewhere falls back to
 * systeminformation's processes(), which spawns `ps`.
 */
export function createProcessSampler(now: () => number = () => performance.now()): ProcessSampler {
  if (process.platform !== 'linux') return createPortableSampler();
  const marks = new Map<number, CpuMark>();
  return {
    async sample(targets, timestamp) {
      if (targets.length === 0) return { samples: [], missing: [] };
      const needsScan = targets.some((t) => t.processPattern);
      const commandLines = needsScan ? await readCommandLines() : new Map<number, string>();
      const seen = new Set<number>();
      const samples: AgentSample[] = [];
      const missing: ProcessReading['missing'] = [];
      for (const target of targets) {
        const pids = new Set<number>();
        if (target.pid) pids.add(target.pid);
        if (target.processPattern) {
          const pattern = new RegExp(target.processPattern);
          for (const [pid, cmd] of commandLines) if (pid !== process.pid && pattern.test(cmd)) pids.add(pid);
        }
        let rssKb = 0;
        let cpu = 0;
        let cpuKnown = false;
        let alive = 0;
        for (const pid of pids) {
          const stats = await readProcess(pid);
          if (!stats) continue;
          alive += 1;
          seen.add(pid);
          rssKb += stats.rssKb;
          const at = now();
          const mark = marks.get(pid);
          marks.set(pid, { ticks: stats.ticks, at });
          if (mark && at > mark.at && stats.ticks >= mark.ticks) {
            cpu += ((stats.ticks - mark.ticks) / CLOCK_TICKS_PER_SECOND / ((at - mark.at) / 1000)) * 100;
            cpuKnown = true;
          }
        }
        if (alive === 0) {
          missing.push({ name: target.name, reason: describeTarget(target) });
          continue;
        }
        samples.push(processSample(target.name, timestamp, cpuKnown ? cpu : null, rssKb / 1024));
      }
      for (const pid of marks.keys()) if (!seen.has(pid)) marks.delete(pid);
      return { samples, missing };
    },
  };
}

function processSample(name: string, timestamp: string, cpu: number | null, memoryMb: number): AgentSample {
  return {
    ...emptySample(name, timestamp, 'process'),
    cpu_usage: cpu === null ? null : Math.round(cpu * 100) / 100,
    memory_usage: Math.round(memoryMb * 100) / 100,
  };
}

async function readProcess(pid: number): Promise<{ ticks: number; rssKb: number } | undefined> {
  try {
    const [stat, status] = await Promise.all([readFile(`/proc/${pid}/stat`, 'utf8'), readFile(`/proc/${pid}/status`, 'utf8')]);
    // The command name (field 2) may hold spaces and parentheses: split after its closing ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z') return undefined;
    const ticks = Number(fields[11]) + Number(fields[12]);
    const rss = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return { ticks, rssKb: rss ? Number(rss[1]) : 0 };
  } catch {
    return undefined;
  }
}

async function readCommandLines(): Promise<Map<number, string>> {
  const result = new Map<number, string>();
  const entries = await readdir('/proc').catch(() => [] as string[]);
  await Promise.all(
    entries
      .filter((e) => /^\d+$/.test(e))
      .map(async (entry) => {
        const cmd = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
        if (cmd) result.set(Number(entry), cmd.replace(/\0/g, ' ').trim());
      }),
  );
  return result;
}

function createPortableSampler(): ProcessSampler {
  return {
    async sample(targets, timestamp) {
      if (targets.length === 0) return { samples: [], missing: [] };
      const { list } = await si.processes();
      const samples: AgentSample[] = [];
      const missing: ProcessReading['missing'] = [];
      for (const target of targets) {
        const pattern = target.processPattern ? new RegExp(target.processPattern) : undefined;
        const matches = list.filter(
          (p) => p.pid !== process.pid && (p.pid === target.pid || (pattern && pattern.test(`${p.command} ${p.params}`))),
        );
        if (matches.length === 0) {
          missing.push({ name: target.name, reason: describeTarget(target) });
          continue;
        }
        const cpu = matches.reduce((sum, p) => sum + p.cpu, 0);
        const rssKb = matches.reduce((sum, p) => sum + p.memRss, 0);
        samples.push(processSample(target.name, timestamp, cpu, rssKb / 1024));
      }
      return { samples, missing };
    },
  };
}
