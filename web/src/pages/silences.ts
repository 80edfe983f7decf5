import { request, subscribe } from '../api';
import { errorBox, fmt, h, mount, pill } from '../dom';
import { graphql } from '../gql';
import type { MatcherName, SilencesQuery } from '../gql/graphql';

const Silences = graphql(`
  query Silences {
    silences { id state startsAt endsAt createdBy comment origin matchers { name value isRegex isEqual } }
  }
`);
const Create = graphql(`mutation CreateSilenceFromPage($input: SilenceInput!) { createSilence(input: $input) { id endsAt } }`);
const Expire = graphql(`mutation ExpireSilenceFromPage($id: ID!) { expireSilence(id: $id) { id } }`);
const Changes = graphql(`subscription SilenceFeed { silenceEvents { kind silence { id } } }`);

type Silence = SilencesQuery['silences'][number];
type Matcher = Silence['matchers'][number];

const NAMES: MatcherName[] = ['AGENT', 'METRIC', 'KIND', 'SEVERITY', 'TYPE'];
const OPERATORS = [
  ['=', false, true],
  ['!=', false, false],
  ['=~', true, true],
  ['!~', true, false],
] as const;
const DURATIONS = [
  ['30 minutes', 30],
  ['1 hour', 60],
  ['2 hours', 120],
  ['4 hours', 240],
  ['1 day', 1440],
  ['1 week', 10080],
] as const;

const formatMatcher = (m: Matcher) => `${m.name.toLowerCase()}${OPERATORS.find(([, r, e]) => r === m.isRegex && e === m.isEqual)![0]}${m.value}`;

/** One matcher row of the form: label, operator, value. */
function matcherRow(name: MatcherName, value: string): HTMLElement {
  return h(
    'div',
    { class: 'matcher' },
    h('select', { name: 'name', 'aria-label': 'Label' }, ...NAMES.map((n) => h('option', { value: n, selected: n === name ? true : null }, n.toLowerCase()))),
    h('select', { name: 'op', 'aria-label': 'Operator' }, ...OPERATORS.map(([op]) => h('option', { value: op }, op))),
    h('input', { type: 'text', name: 'value', value, required: true, maxlength: 256, 'aria-label': 'Value', placeholder: 'e.g. trade_executor or batch_.*' }),
    h('button', { type: 'button', class: 'link', 'aria-label': 'Remove this matcher', onclick: (e: Event) => (e.target as HTMLElement).closest('.matcher')!.remove() }, '×'),
  );
}

/** The create form, prefilled from the URL (#/silences?agent=x&metric=y&kind=z: one click from an agent or a finding). */
function createForm(prefill: URLSearchParams, done: (message: string) => void): HTMLElement {
  const rows = h('div', { class: 'matchers' });
  for (const name of NAMES) {
    const value = prefill.get(name.toLowerCase());
    if (value) rows.append(matcherRow(name, value));
  }
  if (rows.childElementCount === 0) rows.append(matcherRow('AGENT', ''));
  const duration = h('select', { name: 'duration', 'aria-label': 'For how long' }, ...DURATIONS.map(([label, minutes]) => h('option', { value: String(minutes) }, label)));
  const comment = h('input', { type: 'text', name: 'comment', required: true, maxlength: 2000, placeholder: 'Why, e.g. deploying 2.4', 'aria-label': 'Comment' });
  const status = h('p', { class: 'muted', role: 'status' });
  return h(
    'form',
    {
      class: 'card wide silence-form',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        const matchers = [...rows.querySelectorAll<HTMLElement>('.matcher')].map((row) => {
          const [, isRegex, isEqual] = OPERATORS.find(([op]) => op === row.querySelector<HTMLSelectElement>('[name=op]')!.value)!;
          return { name: row.querySelector<HTMLSelectElement>('[name=name]')!.value as MatcherName, value: row.querySelector<HTMLInputElement>('[name=value]')!.value, isRegex, isEqual };
        });
        const endsAt = new Date(Date.now() + Number(duration.value) * 60_000).toISOString();
        status.textContent = 'Creating…';
        try {
          const made = (await request(Create, { input: { matchers, endsAt, comment: comment.value } })).createSilence;
          done(`Silence ${made.id} created, until ${fmt.time(made.endsAt)}`);
        } catch (error) {
          status.replaceChildren(errorBox(error));
        }
      },
    },
    h('h2', {}, 'New silence'),
    h('p', { class: 'muted' }, 'While active, what it matches is still recorded, but notifies nobody and raises no suggestion.'),
    rows,
    h('button', { type: 'button', class: 'link', onclick: () => rows.append(matcherRow('AGENT', '')) }, '+ matcher'),
    h('p', {}, h('label', {}, 'For ', duration), ' ', comment, ' ', h('button', { type: 'submit' }, 'Silence')),
    status,
  );
}

function row(s: Silence, canExpire: boolean, done: (message: string) => void): HTMLElement {
  const expire = async () => {
    try {
      await request(Expire, { id: s.id });
      done(`Silence ${s.id} expired`);
    } catch (error) {
      done(error instanceof Error ? error.message : String(error));
    }
  };
  return h(
    'tr',
    { 'data-id': s.id },
    h('td', {}, pill(s.state)),
    h('td', {}, h('code', {}, s.matchers.map(formatMatcher).join(' '))),
    h('td', {}, `${fmt.time(s.startsAt)} – ${fmt.time(s.endsAt)}`),
    h('td', {}, s.createdBy),
    h('td', {}, s.comment, s.origin === 'MANUAL' ? null : h('span', { class: 'muted' }, ` (${s.origin.toLowerCase().replace('_', ' ')})`)),
    h('td', {}, canExpire && s.state !== 'EXPIRED' && s.origin !== 'MAINTENANCE_WINDOW' ? h('button', { type: 'button', onclick: expire }, 'Expire') : null),
  );
}

/** Silences: active, pending and expired, live; create one (prefilled from a link) and expire. */
export function silencesPage(main: HTMLElement, prefill: URLSearchParams, canOperate: boolean): () => void {
  const message = h('p', { class: 'notice', role: 'status' });
  const lists = h('div');
  const load = () =>
    request(Silences)
      .then(({ silences }) => {
        lists.replaceChildren(
          ...(['ACTIVE', 'PENDING', 'EXPIRED'] as const).map((state) => {
            const those = silences.filter((s) => s.state === state);
            return h(
              'section',
              { class: 'card wide', 'data-state': state.toLowerCase() },
              h('h2', {}, `${state[0]}${state.slice(1).toLowerCase()} (${those.length})`),
              those.length === 0
                ? h('p', { class: 'muted' }, 'None.')
                : h('table', {}, h('thead', {}, h('tr', {}, ...['State', 'Matchers', 'When', 'By', 'Why', ''].map((c) => h('th', {}, c)))), h('tbody', {}, ...those.map((s) => row(s, canOperate, done)))),
            );
          }),
        );
      })
      .catch((error: unknown) => lists.replaceChildren(errorBox(error)));
  const done = (text: string) => {
    message.textContent = text;
    void load();
  };
  mount(main, h('h1', {}, 'Silences'), message, canOperate ? createForm(prefill, done) : h('p', { class: 'muted' }, 'Creating and expiring silences needs the operator role.'), lists);
  void load();
  return subscribe(Changes, {}, () => void load());
}
