import { readdirSync, readFileSync } from 'node:fs';

const TICKS = 100;

/** CPU seconds (user + system) a process has used, from /proc (Linux). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

/** Resident memory in MB, and its peak. */
export function memoryMb(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/** CPU seconds per thread of a process, keyed by thread id, with each thread's name (Linux). */
export function threadCpuSeconds(pid: number): Map<number, { name: string; seconds: number }> {
  const threads = new Map<number, { name: string; seconds: number }>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      threads.set(Number(tid), { name, seconds: (Number(fields[11]) + Number(fields[12])) / TICKS });
    } catch {
      // the thread ended between listing and reading
    }
  }
  return threads;
}

/** The busiest threads between two readings, as "name cores" (the process's main thread is named after it). */
export function busiestThreads(pid: number, before: ReturnType<typeof threadCpuSeconds>, elapsedS: number, top = 5): string {
  const after = threadCpuSeconds(pid);
  return [...after]
    .map(([tid, t]) => ({ name: tid === pid ? 'main' : t.name, cores: (t.seconds - (before.get(tid)?.seconds ?? 0)) / elapsedS }))
    .sort((a, b) => b.cores - a.cores)
    .slice(0, top)
    .map((t) => `${t.name} ${t.cores.toFixed(3)}`)
    .join(', ');
}
