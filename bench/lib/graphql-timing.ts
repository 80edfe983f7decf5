import type { createClient } from './http-load.js';
import { median } from './stats.js';

/**
 * A GraphQL query over HTTP timed `runs` times after three warm-up requests (the server's caches,
 * the page cache): the median latency, and how many rows (objects with a `timestamp`) it answered.
 */
export async function timeGraphqlQuery(client: ReturnType<typeof createClient>, query: string, runs: number): Promise<{ p50: number; rows: number }> {
  const body = JSON.stringify({ query });
  const times: number[] = [];
  let rows = 0;
  for (let i = 0; i < runs + 3; i++) {
    const reply = await client.send('POST', '/graphql', body);
    if (reply.status !== 200 || reply.body.includes('"errors"')) throw new Error(reply.body.slice(0, 300));
    if (i >= 3) times.push(reply.ms);
    rows = (reply.body.match(/"timestamp"/g) ?? []).length;
  }
  return { p50: median(times), rows };
}
