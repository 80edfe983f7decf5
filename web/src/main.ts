import { ApiError, connect, onConnectionState, reconnect, request, token } from './api';
import { errorBox, h, mount } from './dom';
import { graphql } from './gql';
import type { ImprovementStatus } from './gql/graphql';
import { agentPage } from './pages/agent';
import { agentsPage } from './pages/agents';
import { improvementsPage, STATUSES } from './pages/improvements';
import { overviewPage } from './pages/overview';
import { reportPage, reportsPage } from './pages/reports';
import { silencesPage } from './pages/silences';
import './style.css';

const Whoami = graphql(`query Whoami { whoami { id role permissions } }`);

const main = document.querySelector<HTMLElement>('#main')!;
const badge = document.querySelector<HTMLElement>('#connection')!;
let permissions: string[] = [];
let cleanup: () => void = () => undefined;

let previousState = '';
onConnectionState((state) => {
  badge.textContent = { connecting: 'connecting…', live: 'live', reconnecting: 'reconnecting…', offline: 'offline' }[state];
  badge.className = `badge badge-${state}`;
  // Events sent while the link was down are lost: after a reconnect, reload the page's data.
  if (state === 'live' && previousState === 'reconnecting') route();
  previousState = state;
});

function tokenPrompt(reason: string): void {
  const input = h('input', { type: 'password', id: 'token-input', autocomplete: 'off', 'aria-label': 'API token', value: token.get() });
  mount(
    main,
    h('h1', {}, 'API token'),
    h('p', {}, reason),
    h(
      'form',
      {
        class: 'token',
        onsubmit: (event: Event) => {
          event.preventDefault();
          token.set(input.value.trim());
          void reconnect().then(start);
        },
      },
      input,
      h('button', { type: 'submit' }, 'Use this token'),
    ),
  );
  input.focus();
}

document.querySelector('#token-button')!.addEventListener('click', () => {
  cleanup();
  tokenPrompt('The token is kept in this browser only (localStorage) and sent as a bearer token.');
});

/** Hash routes: #/, #/agents, #/agents/NAME?hours=24, #/improvements?status=PENDING, #/silences?agent=NAME, #/reports, #/reports/FILE. */
function route(): void {
  cleanup();
  const [path = '/', query = ''] = location.hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(query);
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  for (const link of document.querySelectorAll<HTMLAnchorElement>('[data-nav]')) {
    link.toggleAttribute('aria-current', link.dataset.nav === (parts[0] ?? 'overview'));
  }
  try {
    if (parts[0] === 'agents' && parts[1]) cleanup = agentPage(main, parts[1], Number(params.get('hours') ?? 24) || 24);
    else if (parts[0] === 'agents') cleanup = agentsPage(main);
    else if (parts[0] === 'improvements') {
      const status = (params.get('status') ?? 'PENDING') as ImprovementStatus;
      cleanup = improvementsPage(main, STATUSES.includes(status) ? status : 'PENDING', permissions.includes('operate'));
    } else if (parts[0] === 'silences') cleanup = silencesPage(main, params, permissions.includes('operate'));
    else if (parts[0] === 'reports' && parts[1]) cleanup = reportPage(main, parts[1]);
    else if (parts[0] === 'reports') cleanup = reportsPage(main);
    else cleanup = overviewPage(main);
  } catch (error) {
    mount(main, errorBox(error));
  }
}

async function start(): Promise<void> {
  try {
    permissions = (await request(Whoami)).whoami.permissions;
    connect();
  } catch (error) {
    if (error instanceof ApiError && (error.code === 'UNAUTHENTICATED' || error.message === 'HTTP 401')) {
      return tokenPrompt('This server asks for a token. Paste one with at least the viewer role.');
    }
    mount(main, errorBox(error));
    return;
  }
  route();
}

window.addEventListener('hashchange', () => {
  route();
  main.focus({ preventScroll: true });
});
void start();
