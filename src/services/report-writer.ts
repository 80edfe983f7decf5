import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { toIso } from '../clock.js';
import { buildReport, type SystemReport } from '../domain/report-builder.js';
import { REPORT_NAME, reportFilename, summarizeReport } from '../domain/report.js';
import { writeFileAtomic } from '../files/atomic-write.js';
import type { AgentService } from './agents.js';
import type { ServiceDeps } from './deps.js';
import type { HealthTickService } from './health-tick.js';
import type { ReportService } from './reports.js';
import type { StatusService } from './status.js';

export interface WrittenReport {
  filename: string;
  report: SystemReport;
  pruned: string[];
}

export type ReportWriterService = ReturnType<typeof createReportWriterService>;

/**
 * The report tick: writes system_reports/system_report_YYYYMMDD_HHMMSS.json and rewrites
 * system_status.json, both atomically, then prunes reports past the configured count.
 */
export function createReportWriterService(
  deps: ServiceDeps,
  parts: { agents: AgentService; health: HealthTickService; reports: ReportService; status: StatusService },
) {
  const { store, config, clock, paths, logger } = deps;
  const log = logger.child({ module: 'report-writer' });
  let previous: SystemReport | undefined;

  async function previousReport(): Promise<SystemReport | undefined> {
    if (previous) return previous;
    const [newest] = await parts.reports.list();
    if (!newest) return undefined;
    try {
      return (await parts.reports.get(newest.filename)) as SystemReport;
    } catch {
      return undefined;
    }
  }

  async function prune(): Promise<string[]> {
    const names = (await readdir(paths.reportsDir)).filter((n) => REPORT_NAME.test(n)).sort();
    const excess = names.slice(0, Math.max(0, names.length - config.reports.keep));
    await Promise.all(excess.map((name) => rm(path.join(paths.reportsDir, name), { force: true })));
    return excess;
  }

  return {
    /** Removes temporary files a crash left behind mid-write (the real files were never touched). */
    async removeStaleTempFiles(): Promise<string[]> {
      const removed: string[] = [];
      for (const dir of [paths.dataDir, paths.reportsDir]) {
        const names = await readdir(dir).catch(() => [] as string[]);
        for (const name of names.filter((n) => /^\..+\.\d+\.[0-9a-f]{8}\.tmp$/.test(n))) {
          await rm(path.join(dir, name), { force: true });
          removed.push(name);
        }
      }
      if (removed.length > 0) log.warn({ removed }, 'removed temporary files left by an interrupted write');
      return removed;
    },
    async write(): Promise<WrittenReport> {
      const now = clock.now();
      const before = await previousReport();
      const periodStart = before ? Date.parse(before.generated_at) : now - config.intervals.reports * 1000;
      const [agents, activity, improvements, snapshot, status] = await Promise.all([
        parts.agents.statuses(),
        store.samples.windowAggregates(toIso(periodStart)),
        store.improvements.list(),
        parts.health.current(),
        parts.status.status(),
      ]);
      const report = buildReport({ now, periodStart, snapshot, agents, activity, improvements, previous: before, resources: {} });
      await mkdir(paths.reportsDir, { recursive: true });
      const filename = reportFilename(now);
      await writeFileAtomic(path.join(paths.reportsDir, filename), `${JSON.stringify(report, null, 2)}\n`);
      await writeFileAtomic(
        paths.statusFile,
        `${JSON.stringify({ generated_at: report.generated_at, latest_report: filename, status, health: report.health, recommendations: report.recommendations }, null, 2)}\n`,
      );
      previous = report;
      // Where the database keeps reports, every replica serves them from there.
      await store.reports?.save({ filename, summary: summarizeReport(filename, report), body: report });
      const pruned = await prune();
      await store.reports?.prune(config.reports.keep);
      log.info({ filename, pruned: pruned.length }, 'report written');
      return { filename, report, pruned };
    },
  };
}
