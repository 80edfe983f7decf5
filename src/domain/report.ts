/** Report files are named by their UTC time: system_report_YYYYMMDD_HHMMSS.json. */
export const REPORT_NAME = /^system_report_(\d{4})(\d{2})(\d{2})_(\d{2})(\d{2})(\d{2})\.json$/;

/** A report name that matches the pattern and names a real moment (no 13th month or 99th second). */
export function isReportName(name: string): boolean {
  const m = REPORT_NAME.exec(name);
  if (!m) return false;
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  const date = new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!));
  return date.getUTCMonth() === mo! - 1 && date.getUTCDate() === d && h! < 24 && mi! < 60 && s! < 60;
}

export interface ReportSummary {
  filename: string;
  timestamp: string | null;
  performance_score: number | null;
  active_agents: number | null;
  failed_agents: number | null;
}

export function reportFilename(ms: number): string {
  const iso = new Date(ms).toISOString();
  const compact = iso.slice(0, 19).replace(/[-:]/g, '').replace('T', '_');
  return `system_report_${compact}.json`;
}

/** The listing's fields, read from a report body; a field a report lacks is null. */
export function summarizeReport(filename: string, report: unknown): ReportSummary {
  const r = (report ?? {}) as { generated_at?: unknown; health?: { performance_score?: unknown; agents?: Record<string, unknown> } };
  const num = (v: unknown) => (typeof v === 'number' ? v : null);
  return {
    filename,
    timestamp: typeof r.generated_at === 'string' ? r.generated_at : timestampFromName(filename),
    performance_score: num(r.health?.performance_score),
    active_agents: num(r.health?.agents?.active),
    failed_agents: num(r.health?.agents?.failing),
  };
}

function timestampFromName(filename: string): string | null {
  const m = REPORT_NAME.exec(filename);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m;
  return `${y}-${mo}-${d}T${h}:${mi}:${s}.000Z`;
}
