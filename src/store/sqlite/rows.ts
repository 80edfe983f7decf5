import type { Statement } from 'better-sqlite3';

/**
 * Reads a statement's rows as raw arrays and builds the objects in JS, with one object shape
 * per statement: for long lists about twice as fast as better-sqlite3's own row objects.
 * The keys come from our own SQL, never from input.
 */
export function rowReader<T>(statement: Statement): (...params: unknown[]) => T[] {
  statement.raw(true);
  const columns = statement.columns().map((c) => c.name);
  const build = new Function('r', `return { ${columns.map((c, i) => `${JSON.stringify(c)}: r[${i}]`).join(', ')} };`) as (row: unknown[]) => T;
  return (...params) => (statement.all(...params) as unknown[][]).map(build);
}
