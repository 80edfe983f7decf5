/**
 * Whether a pattern can take exponential time: a repeated group that itself repeats or
 * alternates, like (a+)+ or (a|aa)*, backtracks through every way of splitting the text. Such
 * a silence matcher would stall the process on one unlucky label, so it is refused up front.
 * Returns what is wrong, or undefined when the pattern's nesting is safe.
 */
export function nestedRepetition(pattern: string): string | undefined {
  // Per open group: whether something inside it repeats or alternates.
  const groups: boolean[] = [];
  let lastGroupAmbiguous = false;
  let afterGroup = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      i++;
      afterGroup = false;
      continue;
    }
    if (c === '[') {
      i = endOfClass(pattern, i);
      afterGroup = false;
      continue;
    }
    if (c === '(') {
      groups.push(false);
      afterGroup = false;
      continue;
    }
    if (c === ')') {
      lastGroupAmbiguous = groups.pop() ?? false;
      afterGroup = true;
      continue;
    }
    if (c === '|') {
      markOpenGroups(groups);
      afterGroup = false;
      continue;
    }
    const repeats = repetitionAt(pattern, i);
    if (repeats !== undefined) {
      if (repeats.unbounded || repeats.max > 1) {
        if (afterGroup && lastGroupAmbiguous) {
          return `the repeated group ending at position ${i} repeats or alternates inside (like (a+)+ or (a|b)*), which can take exponential time; repeat a single character class instead, e.g. [ab]*`;
        }
        markOpenGroups(groups);
      }
      i = repeats.end;
      afterGroup = false;
      continue;
    }
    afterGroup = false;
  }
  return undefined;
}

function markOpenGroups(groups: boolean[]): void {
  for (let g = 0; g < groups.length; g++) groups[g] = true;
}

function endOfClass(pattern: string, start: number): number {
  for (let i = start + 1; i < pattern.length; i++) {
    if (pattern[i] === '\\') i++;
    else if (pattern[i] === ']' && i > start + 1) return i;
  }
  return pattern.length;
}

/** A quantifier at i (with a lazy or possessive mark after it), or undefined. */
function repetitionAt(pattern: string, i: number): { unbounded: boolean; max: number; end: number } | undefined {
  const c = pattern[i];
  const lazy = (end: number) => (pattern[end + 1] === '?' ? end + 1 : end);
  if (c === '*' || c === '+') return { unbounded: true, max: Infinity, end: lazy(i) };
  if (c === '?') return { unbounded: false, max: 1, end: lazy(i) };
  if (c !== '{') return undefined;
  const m = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i));
  if (!m) return undefined;
  const end = lazy(i + m[0].length - 1);
  if (m[2] === undefined) return { unbounded: false, max: Number(m[1]), end };
  if (m[3] === '') return { unbounded: true, max: Infinity, end };
  return { unbounded: false, max: Number(m[3]), end };
}
