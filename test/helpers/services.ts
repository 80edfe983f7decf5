import pg from 'pg';
import { randomUUID } from 'node:crypto';

/**
 * The URL of a real service for the tests that need one (PostgreSQL, Redis), from the
 * environment. Without it those tests skip and say why, so `npm test` passes on a machine that
 * has neither; with META_AGENT_REQUIRE_SERVICES=1 (as in CI) a missing service fails instead.
 */
export function serviceUrl(variable: string, service: string): string | undefined {
  const url = process.env[variable];
  if (url) return url;
  if (process.env.META_AGENT_REQUIRE_SERVICES === '1') throw new Error(`${variable} is not set, and META_AGENT_REQUIRE_SERVICES=1 requires the ${service} tests to run`);
  console.warn(`skipping the ${service} tests: set ${variable} to run them (e.g. ${variable === 'META_AGENT_TEST_DATABASE_URL' ? 'postgres://postgres@127.0.0.1:5432/test' : 'redis://127.0.0.1:6379'})`);
  return undefined;
}

export const testDatabaseUrl = () => serviceUrl('META_AGENT_TEST_DATABASE_URL', 'PostgreSQL');

/**
 * A new, empty database on the test server; `drop` removes it (after every connection to it has
 * closed). `icuLocale` gives it that default collation (e.g. 'en', as many servers have).
 */
export async function freshDatabase(url: string, { icuLocale }: { icuLocale?: string } = {}): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `meta_agent_test_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(icuLocale ? `CREATE DATABASE ${name} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE '${icuLocale.replace(/[^A-Za-z0-9_-]/g, '')}' LOCALE 'C'` : `CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const fresh = new URL(url);
  fresh.pathname = `/${name}`;
  return {
    url: fresh.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
