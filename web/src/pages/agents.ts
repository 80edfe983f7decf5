import { request, subscribe } from '../api';
import { errorBox, fmt, h, mount, pill } from '../dom';
import { graphql } from '../gql';
import type { AgentsQuery } from '../gql/graphql';

const Agents = graphql(`
  query Agents {
    agents { name health healthReason lastSeen metrics { samples responseTime successRate errorRate cpuUsage memoryUsage } }
  }
`);

const Changes = graphql(`
  subscription AgentChanges {
    agentStatus { agent { name health healthReason lastSeen metrics { samples responseTime successRate errorRate cpuUsage memoryUsage } } }
  }
`);

type Agent = AgentsQuery['agents'][number];

function row(a: Agent): HTMLTableRowElement {
  const m = a.metrics;
  return h(
    'tr',
    { 'data-agent': a.name },
    h('th', { scope: 'row' }, h('a', { href: `#/agents/${encodeURIComponent(a.name)}` }, a.name)),
    h('td', {}, pill(a.health), h('div', { class: 'muted small' }, a.healthReason)),
    h('td', {}, fmt.ago(a.lastSeen)),
    h('td', { class: 'num' }, fmt.seconds(m.responseTime)),
    h('td', { class: 'num' }, fmt.pct(m.successRate)),
    h('td', { class: 'num' }, fmt.pct(m.errorRate)),
    h('td', { class: 'num' }, m.cpuUsage === null ? '–' : `${m.cpuUsage.toFixed(1)} %`),
    h('td', { class: 'num' }, m.memoryUsage === null ? '–' : `${m.memoryUsage.toFixed(0)} MB`),
  );
}

/** Every agent with its health and key metrics over the health window; rows update live. */
export function agentsPage(main: HTMLElement): () => void {
  const body = h('tbody', {});
  mount(
    main,
    h('h1', {}, 'Agents'),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        {},
        h('caption', { class: 'muted' }, 'Means over the health window; rows update at each health tick.'),
        h('thead', {}, h('tr', {}, ...['Agent', 'Health', 'Last seen', 'Response', 'Success', 'Errors', 'CPU', 'Memory'].map((c) => h('th', { scope: 'col' }, c)))),
        body,
      ),
    ),
  );
  void request(Agents)
    .then(({ agents }) => {
      if (agents.length === 0) body.append(h('tr', {}, h('td', { colspan: 8 }, 'No agent has reported yet.')));
      for (const agent of agents) body.append(row(agent));
    })
    .catch((error: unknown) => main.prepend(errorBox(error)));
  return subscribe(Changes, {}, ({ agentStatus }) => {
    const fresh = row(agentStatus.agent);
    const old = body.querySelector(`tr[data-agent="${CSS.escape(agentStatus.agent.name)}"]`);
    if (old) old.replaceWith(fresh);
    else body.append(fresh);
  });
}
