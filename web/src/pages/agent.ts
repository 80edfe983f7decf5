import { request } from '../api';
import { lineChart, type Band, type Mark } from '../charts';
import { errorBox, fmt, h, mount, pill } from '../dom';
import { graphql } from '../gql';
import type { AgentDetailQuery } from '../gql/graphql';

const AgentDetail = graphql(`
  query AgentDetail($name: String!, $hours: Float!) {
    agent(name: $name) { name health healthReason firstSeen lastSeen sampleCount inputTokensTotal outputTokensTotal }
    agentPerformance(agentName: $name, hours: $hours) { timestamp samples responseTime successRate errorCount requests cpuUsage memoryUsage inputTokens outputTokens }
    findings(agentName: $name, hours: $hours) { id kind metric severity startedAt endedAt message silencedBy }
    versionChanges(agentName: $name, hours: $hours) { at from to }
    agentEvents(agentName: $name, hours: $hours) { kind version at }
  }
`);

const RANGES = [
  ['1 h', 1],
  ['24 h', 24],
  ['7 d', 168],
  ['30 d', 720],
] as const;

type Row = AgentDetailQuery['agentPerformance'][number];
type Finding = AgentDetailQuery['findings'][number];

const METRICS: Array<{ title: string; unit: string; pick: (r: Row) => number | null; findingMetrics: string[] }> = [
  { title: 'Response time', unit: 's', pick: (r) => r.responseTime, findingMetrics: ['response_time'] },
  { title: 'Success rate', unit: '%', pick: (r) => (r.successRate === null ? null : r.successRate * 100), findingMetrics: ['success_rate', 'error_rate'] },
  { title: 'Errors', unit: 'errors', pick: (r) => r.errorCount, findingMetrics: ['error_rate'] },
  { title: 'CPU', unit: '% of a core', pick: (r) => r.cpuUsage, findingMetrics: ['cpu_usage', 'host_cpu'] },
  { title: 'Memory', unit: 'MB', pick: (r) => r.memoryUsage, findingMetrics: ['memory_usage'] },
  { title: 'Tokens per request', unit: 'tokens', pick: tokensPerRequest, findingMetrics: ['tokens_per_request'] },
];

/** LLM tokens (input + output) per request; null where the interval counted no requests or no tokens. */
function tokensPerRequest(r: Row): number | null {
  if (r.requests === null || r.requests <= 0 || (r.inputTokens === null && r.outputTokens === null)) return null;
  return ((r.inputTokens ?? 0) + (r.outputTokens ?? 0)) / r.requests;
}

/**
 * One agent: charts of its metrics over a chosen range (long ranges come from rollups), with
 * findings shaded (grey where a silence covered them) and version changes, deploys and restarts
 * marked on them, and every finding of the range listed (those that led to no suggestion too),
 * each with a link that opens a silence for it.
 */
export function agentPage(main: HTMLElement, name: string, hours: number): () => void {
  const charts = h('div', { class: 'charts' });
  const findings = h('section', { class: 'card wide' }, h('h2', {}, 'Findings in range'));
  const header = h('div', { class: 'agent-head' }, h('h1', {}, name));
  mount(
    main,
    h('p', {}, h('a', { href: '#/agents' }, '← All agents')),
    header,
    h(
      'nav',
      { class: 'ranges', 'aria-label': 'Time range' },
      ...RANGES.map(([label, value]) =>
        h('a', { href: `#/agents/${encodeURIComponent(name)}?hours=${value}`, class: 'range', 'aria-current': value === hours ? 'page' : null }, label),
      ),
    ),
    charts,
    findings,
  );
  const charted: Array<{ destroy(): void }> = [];
  void request(AgentDetail, { name, hours })
    .then(({ agent, agentPerformance, findings: found, versionChanges, agentEvents }) => {
      const marks: Mark[] = [
        ...versionChanges.map((c) => ({ at: Date.parse(c.at) / 1000, label: c.from ? `${c.from} → ${c.to}` : c.to })),
        ...agentEvents.map((e) => ({ at: Date.parse(e.at) / 1000, label: `${e.kind.toLowerCase()}${e.version ? ` ${e.version}` : ''}` })),
      ];
      header.append(
        h('a', { href: `#/silences?agent=${encodeURIComponent(name)}`, class: 'button' }, 'Silence this agent'),
        ' ',pill(agent.health), h('p', { class: 'muted' }, `${agent.healthReason} · first seen ${fmt.time(agent.firstSeen)} · last seen ${fmt.ago(agent.lastSeen)} · ${agent.sampleCount} samples${agent.inputTokensTotal + agent.outputTokensTotal > 0 ? ` · ${fmt.count(agent.inputTokensTotal)} input and ${fmt.count(agent.outputTokensTotal)} output tokens in all` : ''}`));
      const rows = [...agentPerformance].reverse();
      const xs = rows.map((r) => Date.parse(r.timestamp) / 1000);
      for (const metric of METRICS) {
        const ys = rows.map(metric.pick);
        if (ys.every((v) => v === null)) continue;
        const bands: Band[] = found
          .filter((f: Finding) => metric.findingMetrics.includes(f.metric))
          .map((f) => ({ from: Date.parse(f.startedAt) / 1000, to: Date.parse(f.endedAt) / 1000, severity: f.silencedBy.length > 0 ? 'SILENCED' : f.severity, label: f.message }));
        const box = h('figure', { class: 'chart', 'aria-label': `${metric.title} of ${name}` });
        charts.append(box);
        charted.push(lineChart(box, metric.title, xs, ys, bands, metric.unit, marks));
      }
      if (charted.length === 0) charts.append(h('p', { class: 'muted' }, 'No samples in this range.'));
      if (versionChanges.length > 0) {
        charts.append(
          h('p', { class: 'versions muted' }, 'Versions: ', ...versionChanges.map((c, i) => `${i > 0 ? ' · ' : ''}${c.from ? `${c.from} → ${c.to}` : c.to} at ${fmt.time(c.at)}`)),
        );
      }
      findings.append(
        found.length === 0
          ? h('p', { class: 'muted' }, 'None.')
          : h(
              'ul',
              { class: 'findings' },
              ...found.map((f) =>
                h(
                  'li',
                  {},
                  pill(f.severity),
                  ' ',
                  f.silencedBy.length > 0 ? h('span', { class: 'pill pill-silenced', title: `silenced by ${f.silencedBy.join(', ')}` }, 'silenced') : null,
                  ' ',
                  h('strong', {}, f.kind.toLowerCase()),
                  ` ${f.message} `,
                  h('a', { href: `#/silences?agent=${encodeURIComponent(name)}&metric=${encodeURIComponent(f.metric)}&kind=${f.kind.toLowerCase()}`, class: 'muted' }, 'silence'),
                ),
              ),
            ),
      );
    })
    .catch((error: unknown) => main.append(errorBox(error)));
  return () => charted.forEach((c) => c.destroy());
}
