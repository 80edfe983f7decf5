import { constants } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { isReportName, REPORT_NAME, summarizeReport, type ReportSummary } from '../domain/report.js';
import { badRequest, notFound } from '../errors.js';
import type { ServiceDeps } from './deps.js';

export type ReportService = ReturnType<typeof createReportService>;

/**
 * The reports as the API serves them: from the database when the store keeps them (several
 * replicas share it), else from the report files of this process's data directory.
 */
export function createReportService({ paths, logger, store }: ServiceDeps) {
  const log = logger.child({ module: 'reports' });
  // Reports never change once written, so a summary is read once per file.
  const summaries = new Map<string, { mtimeMs: number; summary: ReportSummary }>();

  /**
   * Reads a report by a name that must match REPORT_NAME exactly; the name is joined to
   * the reports folder only after that check, and O_NOFOLLOW refuses symlinks, so nothing
   * outside the folder is ever opened.
   */
  async function readReport(filename: string): Promise<{ body: unknown; mtimeMs: number }> {
    if (!isReportName(filename)) {
      throw badRequest(`'${truncate(filename)}' is not a report name; names look like system_report_YYYYMMDD_HHMMSS.json`);
    }
    let handle;
    try {
      handle = await open(path.join(paths.reportsDir, filename), constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ELOOP') throw notFound(`Report '${filename}' not found`);
      throw error;
    }
    try {
      const info = await handle.stat();
      if (!info.isFile()) throw notFound(`Report '${filename}' not found`);
      const text = await handle.readFile('utf8');
      try {
        return { body: JSON.parse(text), mtimeMs: info.mtimeMs };
      } catch {
        log.warn({ filename }, 'report file is not valid JSON');
        throw notFound(`Report '${filename}' is unreadable (not valid JSON)`);
      }
    } finally {
      await handle.close();
    }
  }

  return {
    /** Newest first. A missing folder means no reports yet. */
    async list(): Promise<ReportSummary[]> {
      if (store.reports) return store.reports.list();
      let names: string[];
      try {
        names = (await readdir(paths.reportsDir)).filter((name) => REPORT_NAME.test(name));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw error;
      }
      names.sort().reverse();
      const result: ReportSummary[] = [];
      for (const name of names) {
        const cached = summaries.get(name);
        try {
          const info = await stat(path.join(paths.reportsDir, name));
          if (cached && cached.mtimeMs === info.mtimeMs) {
            result.push(cached.summary);
            continue;
          }
          const { body, mtimeMs } = await readReport(name);
          const summary = summarizeReport(name, body);
          summaries.set(name, { mtimeMs, summary });
          result.push(summary);
        } catch {
          // Pruned or unreadable between readdir and read: leave it out of the list.
        }
      }
      for (const name of summaries.keys()) if (!names.includes(name)) summaries.delete(name);
      return result;
    },
    async get(filename: string): Promise<unknown> {
      if (!store.reports) return (await readReport(filename)).body;
      if (!isReportName(filename)) throw badRequest(`'${truncate(filename)}' is not a report name; names look like system_report_YYYYMMDD_HHMMSS.json`);
      const body = await store.reports.get(filename);
      if (body === undefined) throw notFound(`Report '${filename}' not found`);
      return body;
    },
  };
}

function truncate(value: string): string {
  const printable = value.replace(/[^\x20-\x7e]/g, '?');
  return printable.length > 80 ? `${printable.slice(0, 80)}…` : printable;
}
