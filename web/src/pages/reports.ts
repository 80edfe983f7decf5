import { request } from '../api';
import { errorBox, fmt, h, mount } from '../dom';
import { graphql } from '../gql';

const Reports = graphql(`query Reports { reports { filename timestamp performanceScore activeAgents failedAgents } }`);
const Report = graphql(`query Report($filename: String!) { report(filename: $filename) }`);

export function reportsPage(main: HTMLElement): () => void {
  const body = h('tbody', {});
  mount(
    main,
    h('h1', {}, 'Reports'),
    h('div', { class: 'table-wrap' }, h('table', {}, h('thead', {}, h('tr', {}, ...['Report', 'Score', 'Active', 'Failing'].map((c) => h('th', { scope: 'col' }, c)))), body)),
  );
  void request(Reports)
    .then(({ reports }) => {
      if (reports.length === 0) body.append(h('tr', {}, h('td', { colspan: 4 }, 'No report yet: one is written on each report tick.')));
      for (const r of reports) {
        body.append(
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, h('a', { href: `#/reports/${encodeURIComponent(r.filename)}` }, fmt.time(r.timestamp)), h('div', { class: 'muted small' }, r.filename)),
            h('td', { class: 'num' }, fmt.num(r.performanceScore)),
            h('td', { class: 'num' }, r.activeAgents ?? '–'),
            h('td', { class: 'num' }, r.failedAgents ?? '–'),
          ),
        );
      }
    })
    .catch((error: unknown) => main.append(errorBox(error)));
  return () => undefined;
}

interface ReportBody {
  generated_at: string;
  period: { from: string; to: string };
  health: { overall: string; performance_score: number | null; agents: Record<string, number> };
  resources: Record<string, unknown>;
  activity: Record<string, unknown>;
  agents: Array<{ name: string; health: string; reason: string }>;
  improvements: { by_status: Record<string, number>; outcomes?: Record<string, number> };
  recommendations: Array<{ priority: string; title: string; reason: string }>;
  changes_since_previous: Record<string, unknown> | null;
}

const table = (object: Record<string, unknown>) =>
  h('dl', { class: 'kv' }, ...Object.entries(object).flatMap(([k, v]) => [h('dt', {}, k.replace(/_/g, ' ')), h('dd', {}, typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v ?? '–'))]));

/** One report, readable as a page (the raw JSON below it). */
export function reportPage(main: HTMLElement, filename: string): () => void {
  mount(main, h('p', {}, h('a', { href: '#/reports' }, '← All reports')), h('h1', {}, filename));
  void request(Report, { filename })
    .then(({ report }) => {
      const r = report as unknown as ReportBody;
      main.append(
        h('p', { class: 'muted' }, `${fmt.time(r.period.from)} – ${fmt.time(r.period.to)}`),
        h('div', { class: 'grid' },
          h('section', { class: 'card' }, h('h2', {}, 'Health'), table({ overall: r.health.overall, score: r.health.performance_score, ...r.health.agents })),
          h('section', { class: 'card' }, h('h2', {}, 'Resources'), table(r.resources)),
          h('section', { class: 'card' }, h('h2', {}, 'Activity'), table(r.activity)),
          h('section', { class: 'card' }, h('h2', {}, 'Improvements'), table({ ...r.improvements.by_status, ...(r.improvements.outcomes ?? {}) })),
        ),
        h('h2', {}, 'Recommendations'),
        r.recommendations.length ? h('ol', {}, ...r.recommendations.map((x) => h('li', {}, h('strong', {}, `[${x.priority}] ${x.title}`), ` — ${x.reason}`))) : h('p', { class: 'muted' }, 'None.'),
        h('h2', {}, 'Agents'),
        h('ul', {}, ...r.agents.map((a) => h('li', {}, `${a.name}: ${a.health} — ${a.reason}`))),
        h('h2', {}, 'Changes since the previous report'),
        r.changes_since_previous ? table(r.changes_since_previous) : h('p', { class: 'muted' }, 'This is the first report.'),
        h('details', {}, h('summary', {}, 'Raw JSON'), h('pre', {}, JSON.stringify(report, null, 2))),
      );
    })
    .catch((error: unknown) => main.append(errorBox(error)));
  return () => undefined;
}
