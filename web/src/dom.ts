type Child = Node | string | number | null | undefined | false;
type Props = Record<string, string | number | boolean | null | undefined | ((event: Event) => void)>;

/** A small element builder: h('td', { class: 'num' }, value). Strings become text, never HTML. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(key.replace(/^on/, '').toLowerCase(), value);
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

export function mount(target: HTMLElement, ...children: Child[]): void {
  target.replaceChildren(...children.filter((c): c is Node | string | number => c !== null && c !== undefined && c !== false).map((c) => (c instanceof Node ? c : String(c))));
}

export const fmt = {
  num: (v: number | null | undefined, digits = 1) => (v === null || v === undefined ? '–' : v.toFixed(digits)),
  pct: (v: number | null | undefined) => (v === null || v === undefined ? '–' : `${(v * 100).toFixed(1)} %`),
  seconds: (v: number | null | undefined) => (v === null || v === undefined ? '–' : `${v.toFixed(2)} s`),
  ago(iso: string | null | undefined): string {
    if (!iso) return '–';
    const s = Math.round((Date.now() - Date.parse(iso)) / 1000);
    if (s < 90) return `${s} s ago`;
    if (s < 5400) return `${Math.round(s / 60)} min ago`;
    if (s < 172_800) return `${Math.round(s / 3600)} h ago`;
    return `${Math.round(s / 86_400)} days ago`;
  },
  time: (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '–'),
  count: (v: number) => v.toLocaleString('en'),
};

/** A health or status word shown as a coloured pill; colour is never the only cue (the word is there). */
export const pill = (word: string) => h('span', { class: `pill pill-${word.toLowerCase()}` }, word.toLowerCase().replace('_', ' '));

export function errorBox(error: unknown): HTMLElement {
  return h('p', { class: 'error', role: 'alert' }, error instanceof Error ? error.message : String(error));
}
