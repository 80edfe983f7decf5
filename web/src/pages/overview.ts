import { request, subscribe } from '../api';
import { multiLineChart } from '../charts';
import { errorBox, fmt, h, mount, pill } from '../dom';
import { graphql } from '../gql';

const Overview = graphql(`
  query Overview {
    status { pendingImprovements inProgressImprovements completedImprovements totalImprovements }
    health { cluster { instanceId leader store pubsub } jobs { name lastStartedAt lastOutcome lastError } }
  }
`);

const Fleet = graphql(`
  query FleetDay {
    metrics(hours: 24) { timestamp performanceScore activeAgents degradedAgents failedAgents offlineAgents }
  }
`);

const Snapshots = graphql(`
  subscription OverviewSnapshots {
    healthSnapshot {
      timestamp overallHealth performanceScore systemCpuUsage systemMemoryUsage loadAverage diskUsedPercent
      avgResponseTime avgSuccessRate totalErrors
      agents { total healthy degraded failing offline }
    }
  }
`);


const card = (label: string, id: string, hint = '') => h('section', { class: 'card' }, h('h2', {}, label), h('p', { class: 'big', id }, '–'), hint ? h('p', { class: 'muted' }, hint) : null);

/** Overview: the fleet's health, live from the health-snapshot subscription (no polling), and its last 24 hours charted. */
export function overviewPage(main: HTMLElement): () => void {
  const counts = h('section', { class: 'card wide' }, h('h2', {}, 'Agents by health'), h('div', { class: 'counts', id: 'agent-counts' }, '–'));
  const jobs = h('section', { class: 'card wide' }, h('h2', {}, 'Jobs'), h('div', { id: 'jobs' }, '–'));
  const fleet = h('section', { class: 'card wide', id: 'fleet-day' }, h('h2', {}, 'The last 24 hours'));
  const suggestions = h('section', { class: 'card' }, h('h2', {}, 'Suggestions'), h('p', { class: 'big' }, h('a', { href: '#/improvements', id: 'pending' }, '–')), h('p', { class: 'muted', id: 'work' }, ''));
  mount(
    main,
    h('h1', {}, 'Overview'),
    h('p', { class: 'muted' }, 'Last health tick: ', h('span', { id: 'tick' }, 'waiting…')),
    h('p', { class: 'muted', id: 'cluster' }, ''),
    h(
      'div',
      { class: 'grid' },
      card('Performance score', 'score', '0–100, see the README'),
      card('Overall health', 'overall'),
      card('Host CPU', 'cpu'),
      card('Host memory', 'memory'),
      suggestions,
      counts,
      fleet,
      jobs,
    ),
  );
  const charted: Array<{ destroy(): void }> = [];
  void request(Fleet)
    .then(({ metrics }) => {
      const rows = [...metrics].reverse();
      if (rows.length === 0) return void fleet.append(h('p', { class: 'muted' }, 'No health snapshots yet.'));
      const xs = rows.map((r) => Date.parse(r.timestamp) / 1000);
      const score = h('figure', { class: 'chart', 'aria-label': 'Performance score over 24 hours' });
      const health = h('figure', { class: 'chart', 'aria-label': 'Agents by health over 24 hours' });
      fleet.append(score, health);
      const day: [number, number] = [Date.now() / 1000 - 86_400, Date.now() / 1000];
      charted.push(multiLineChart(score, 'Performance score', xs, [{ label: 'score', ys: rows.map((r) => r.performanceScore), colour: '#2563eb' }], '0–100', day));
      // activeAgents counts every agent not offline: the healthy ones are what is left of it.
      charted.push(
        multiLineChart(
          health,
          'Agents by health',
          xs,
          [
            { label: 'healthy', ys: rows.map((r) => Math.max(0, r.activeAgents - r.degradedAgents - r.failedAgents)), colour: '#16a34a' },
            { label: 'degraded', ys: rows.map((r) => r.degradedAgents), colour: '#ca8a04' },
            { label: 'failing', ys: rows.map((r) => r.failedAgents), colour: '#dc2626' },
            { label: 'offline', ys: rows.map((r) => r.offlineAgents), colour: '#6b7280' },
          ],
          'agents',
          day,
        ),
      );
    })
    .catch((error: unknown) => fleet.append(errorBox(error)));
  const set = (id: string, value: Node | string) => {
    const el = main.querySelector(`#${id}`);
    if (el) el.replaceChildren(value);
  };

  void request(Overview)
    .then(({ status, health }) => {
      const c = health.cluster;
      set('cluster', `Answered by ${c.instanceId} (${c.leader ? 'the leader: it runs the scheduled jobs' : 'a standby: another replica runs the scheduled jobs'}) · store ${c.store} · live events ${c.pubsub === 'redis' ? 'through Redis, from every replica' : 'from this process'}`);
      set('pending', `${status.pendingImprovements} pending`);
      set('work', `${status.inProgressImprovements} in progress, ${status.completedImprovements} completed of ${status.totalImprovements}`);
      set(
        'jobs',
        h('ul', { class: 'plain' }, ...health.jobs.map((j) => h('li', {}, h('strong', {}, j.name), ` ${j.lastOutcome ?? 'not run yet'} ${fmt.ago(j.lastStartedAt)}`, j.lastError ? h('span', { class: 'error' }, ` — ${j.lastError}`) : null))),
      );
    })
    .catch((error: unknown) => main.prepend(errorBox(error)));

  const unsubscribe = subscribe(
    Snapshots,
    {},
    ({ healthSnapshot: s }) => {
      set('score', s.performanceScore === null ? '–' : s.performanceScore.toFixed(1));
      set('overall', pill(s.overallHealth));
      set('cpu', s.systemCpuUsage === null ? '–' : `${s.systemCpuUsage.toFixed(1)} %`);
      set('memory', s.systemMemoryUsage === null ? '–' : `${s.systemMemoryUsage.toFixed(1)} %`);
      set('tick', `${fmt.time(s.timestamp)} · load ${fmt.num(s.loadAverage, 2)} · disk ${fmt.num(s.diskUsedPercent)} %`);
      const a = s.agents;
      set(
        'agent-counts',
        h(
          'div',
          { class: 'counts' },
          ...(['healthy', 'degraded', 'failing', 'offline'] as const).map((k) => h('a', { href: '#/agents', class: `count pill-${k}` }, h('strong', {}, String(a[k])), ` ${k}`)),
          h('span', { class: 'muted' }, `of ${a.total}`),
        ),
      );
    },
    (message) => main.prepend(errorBox(message)),
  );
  return () => {
    unsubscribe();
    charted.forEach((c) => c.destroy());
  };
}

