import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ConfigError, loadConfig } from '../../src/config-loader.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { series } from '../helpers/samples.js';
import { parseBatch } from '../../src/inputs/samples.js';

const TOKEN = 'admin-token-hostile-0123456789';
const AUTH = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
const SQL = "x'); DROP TABLE agents; --";

let t: TestApp;
let base: string;
let improvementId: string;
let fingerprintBefore: string;

/** Every row of every table, hashed: the stored data, byte for byte. */
function fingerprint(dataDir: string): string {
  const db = new Database(path.join(dataDir, 'enhanced_meta_agent.db'), { readonly: true });
  try {
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{ name: string }>).map((r) => r.name);
    // Per table, so a difference names the table that changed.
    return tables.map((table) => `${table}:${createHash('sha256').update(JSON.stringify(db.prepare(`SELECT * FROM "${table}"`).all())).digest('hex').slice(0, 16)}`).join('\n');
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  t = createTestApp(
    { auth: { tokens: [{ role: 'admin', token: TOKEN }] }, limits: { maxBodyBytes: 64 * 1024 }, http: { maxWebsocketMessageBytes: 8192 } },
    { perFile: true },
  );
  const { port } = await t.agent.start();
  base = `http://127.0.0.1:${port}`;
  await t.agent.services.ingest.ingest(parseBatch({ samples: series('alpha_hunter', t.clock.now(), 20, 30_000, () => ({ response_time: 45, success_rate: 0.97 })) }, t.agent.services.ingest.limits()));
  improvementId = (await t.agent.services.analysis.run()).improvements_created[0]!.id;
  t.agent.scheduler.stop(); // nothing but the hostile requests may touch the store from here on
  await new Promise((resolve) => setTimeout(resolve, 50));
  await t.agent.services.notifier.settled(); // the notices of that analysis are logged as deliveries
  fingerprintBefore = fingerprint(t.dataDir);
});


interface Case {
  name: string;
  method?: string;
  path: string;
  body?: string | Uint8Array;
  headers?: Record<string, string>;
  status: number;
}

const sample = (over: Record<string, unknown>) => JSON.stringify({ samples: [{ agent_name: 'alpha_hunter', ...over }] });
const ingest = (name: string, body: string | Uint8Array, status = 400): Case => ({ name: `ingest: ${name}`, method: 'POST', path: '/api/agents/metrics', body, status });

const restCases: Case[] = [
  // malformed and truncated JSON
  ingest('empty object', '{}'),
  ingest('truncated', '{"samples": [{"agent_name": "a"'),
  ingest('truncated string', '{"samples": [{"agent_name": "a'),
  ingest('single quotes', "{'samples': []}"),
  ingest('trailing comma', '{"samples": [{"agent_name": "a"},]}'),
  ingest('NaN literal', '{"samples": [{"agent_name": "a", "response_time": NaN}]}'),
  ingest('Infinity literal', '{"samples": [{"agent_name": "a", "response_time": Infinity}]}'),
  ingest('comment', '{"samples": [] /* hi */}'),
  ingest('bare string', '"samples"'),
  ingest('null', 'null'),
  ingest('array', '[{"agent_name": "a"}]'),
  ingest('number', '42'),
  ingest('only whitespace and junk', ' \n\t junk'),
  // wrong types
  ingest('samples as object', '{"samples": {"agent_name": "a"}}'),
  ingest('sample as string', '{"samples": ["a"]}'),
  ingest('sample as null', '{"samples": [null]}'),
  ingest('name as number', sample({ agent_name: 42 })),
  ingest('response_time as string', sample({ response_time: '3.5' })),
  ingest('success_rate as bool', sample({ success_rate: true })),
  ingest('error_count as array', sample({ error_count: [1] })),
  ingest('cpu as object', sample({ cpu_usage: { v: 1 } })),
  ingest('timestamp as number', sample({ timestamp: 1_700_000_000 })),
  // huge, negative, out of range
  ingest('overflowing number', '{"samples": [{"agent_name": "a", "response_time": 1e309}]}'),
  ingest('huge memory', sample({ memory_usage: 1e200 })),
  ingest('negative errors', sample({ error_count: -1 })),
  ingest('negative requests', sample({ requests: -5 })),
  ingest('fractional count', sample({ insights_generated: 1.5 })),
  ingest('success over 1', sample({ success_rate: 1.01 })),
  ingest('negative response time', sample({ response_time: -0.1 })),
  ingest('errors beyond requests', sample({ error_count: 9, requests: 3 })),
  // timestamps
  ingest('far future', sample({ timestamp: '2999-01-01T00:00:00Z' })),
  ingest('ten minutes ahead', sample({ timestamp: new Date(Date.parse('2026-11-25T12:10:00Z')).toISOString() })),
  ingest('ancient', sample({ timestamp: '1970-01-01T00:00:00Z' })),
  ingest('February 30', sample({ timestamp: '2026-02-30T00:00:00Z' })),
  ingest('hour 25', sample({ timestamp: '2026-11-25T25:00:00Z' })),
  ingest('free text', sample({ timestamp: 'yesterday' })),
  ingest('SQL in timestamp', sample({ timestamp: SQL })),
  // names
  ingest('empty name', sample({ agent_name: '' })),
  ingest('65-character name', sample({ agent_name: 'a'.repeat(65) })),
  ingest('10 000-character name', sample({ agent_name: 'a'.repeat(10_000) })),
  ingest('name with space', sample({ agent_name: 'alpha hunter' })),
  ingest('name with slash', sample({ agent_name: '../etc' })),
  ingest('unicode name', sample({ agent_name: 'ägent' })),
  ingest('SQL in name', sample({ agent_name: SQL })),
  ingest('non-UTF-8 name', new Uint8Array([...Buffer.from('{"samples":[{"agent_name":"a'), 0xff, 0xfe, ...Buffer.from('"}]}')])),
  // shape
  ingest('empty batch', '{"samples": []}'),
  ingest('5001 samples', JSON.stringify({ samples: Array.from({ length: 5001 }, () => ({ agent_name: 'a' })) }), 413),
  ingest('unknown field', sample({ respone_time: 1 })),
  ingest('unknown top-level key', '{"samples": [{"agent_name": "a"}], "extra": 1}'),
  ingest('prototype pollution', '{"samples": [{"agent_name": "a", "__proto__": {"admin": true}}]}'),
  ingest('oversize body', JSON.stringify({ samples: [{ agent_name: 'a', pad: 'x'.repeat(70_000) }] }), 413),
  // query parameters
  ...[
    ['hours=-1', 400],
    ['hours=0', 400],
    ['hours=8761', 400],
    ['hours=abc', 400],
    ['hours=1e999', 400],
    ['hours=1e3', 400],
    ['hours=NaN', 400],
    ['hours=Infinity', 400],
    ['hours=0x10', 400],
    ['hours=1&hours=2', 400],
    ['limit=-1', 400],
    ['limit=1.5', 400],
    ['limit=99999999', 400],
    ['resolution=daily', 400],
    ['bogus=1', 400],
    [`hour=${encodeURIComponent(SQL)}`, 400],
  ].map(([q, status]): Case => ({ name: `metrics?${q}`, path: `/api/meta-agent/metrics?${q}`, status: status as number })),
  { name: 'unknown status', path: '/api/meta-agent/improvements?status=done', status: 400 },
  { name: 'status in capitals', path: '/api/meta-agent/improvements?status=PENDING', status: 400 },
  { name: 'SQL in status', path: `/api/meta-agent/improvements?status=${encodeURIComponent(SQL)}`, status: 400 },
  { name: 'SQL in agent_name', path: `/api/meta-agent/agent-performance?agent_name=${encodeURIComponent(SQL)}`, status: 400 },
  { name: 'overlong agent_name', path: `/api/meta-agent/agent-performance?agent_name=${'a'.repeat(5000)}`, status: 400 },
  { name: 'unknown finding kind', path: '/api/meta-agent/findings?kind=everything', status: 400 },
  { name: 'SQL in metric', path: `/api/meta-agent/findings?metric=${encodeURIComponent(SQL)}`, status: 400 },
  // report names
  ...[
    '..%2F..%2Fetc%2Fpasswd',
    '%2e%2e%2f%2e%2e%2fenhanced_meta_agent.db',
    '%252e%252e%252fsystem_status.json',
    '..%5C..%5Cwindows%5Cwin.ini',
    'system_report_20261125_120000.json%00.txt',
    '%2Fetc%2Fpasswd',
    'enhanced_meta_agent.db',
    'system_report_20261399_999999.json',
    encodeURIComponent(SQL),
  ].map((name): Case => ({ name: `report ${name}`, path: `/api/meta-agent/reports/${name}`, status: 400 })),
  // ids, workers, reasons
  { name: 'approve SQL id', method: 'POST', path: `/api/meta-agent/improvements/${encodeURIComponent(SQL)}/approve`, status: 404 },
  { name: 'approve overlong id', method: 'POST', path: `/api/meta-agent/improvements/${'i'.repeat(3000)}/approve`, status: 404 },
  { name: 'reject with array body', method: 'POST', path: '/api/meta-agent/improvements/ID/reject', body: '["no"]', status: 400 },
  { name: 'reject with numeric reason', method: 'POST', path: '/api/meta-agent/improvements/ID/reject', body: '{"reason": 5}', status: 400 },
  { name: 'reject with NUL in reason', method: 'POST', path: '/api/meta-agent/improvements/ID/reject', body: '{"reason": "a\\u0000b"}', status: 400 },
  { name: 'reject with a reason percent-encoding a byte that is not UTF-8', method: 'POST', path: '/api/meta-agent/improvements/ID/reject?reason=caf%E9', status: 400 },
  { name: 'reject with a lone surrogate', method: 'POST', path: '/api/meta-agent/improvements/ID/reject', body: '{"reason": "\\ud800"}', status: 400 },
  { name: 'reject with a 2001-character reason', method: 'POST', path: '/api/meta-agent/improvements/ID/reject', body: JSON.stringify({ reason: 'r'.repeat(2001) }), status: 400 },
  { name: 'reject with unknown body field', method: 'POST', path: '/api/meta-agent/improvements/ID/reject', body: '{"reason": "x", "decided_by": "root"}', status: 400 },
  { name: 'claim a pending improvement', method: 'POST', path: '/api/meta-agent/improvements/ID/claim', body: '{"worker": "w1"}', status: 409 },
  { name: 'claim with SQL worker', method: 'POST', path: '/api/meta-agent/improvements/ID/claim', body: JSON.stringify({ worker: SQL }), status: 400 },
  { name: 'complete without summary', method: 'POST', path: '/api/meta-agent/improvements/ID/complete', body: '{"worker": "w1"}', status: 400 },
  { name: 'delete SQL agent', method: 'DELETE', path: `/api/agents/${encodeURIComponent(SQL)}`, status: 400 },
  { name: 'delete unknown agent', method: 'DELETE', path: '/api/agents/ghost', status: 404 },
  // methods, routes, encodings
  { name: 'PUT on a GET route', method: 'PUT', path: '/api/meta-agent/status', status: 405 },
  { name: 'PATCH on a POST route', method: 'PATCH', path: '/api/agents/metrics', body: '{}', status: 405 },
  { name: 'GET on trigger-analysis', path: '/api/meta-agent/trigger-analysis', status: 405 },
  { name: 'unknown route', path: '/api/meta-agent/secrets', status: 404 },
  { name: 'body on trigger-analysis', method: 'POST', path: '/api/meta-agent/trigger-analysis', body: '{"all": true}', status: 400 },
  { name: 'gzip-encoded body', method: 'POST', path: '/api/agents/metrics', body: '{"samples": []}', headers: { 'content-encoding': 'gzip' }, status: 415 },
  { name: 'no token', path: '/api/meta-agent/status', headers: { authorization: '' }, status: 401 },
  { name: 'wrong token', path: '/api/meta-agent/status', headers: { authorization: 'Bearer wrong-token-0123456789' }, status: 401 },
  { name: 'basic auth instead of bearer', path: '/api/meta-agent/status', headers: { authorization: 'Basic YWRtaW46YWRtaW4=' }, status: 401 },
  { name: 'cross-site POST', method: 'POST', path: '/api/meta-agent/control/stop', headers: { origin: 'http://evil.example' }, status: 403 },
];

const gql = (name: string, payload: unknown, status = 400): Case => ({
  name: `graphql: ${name}`,
  method: 'POST',
  path: '/graphql',
  body: typeof payload === 'string' ? payload : JSON.stringify(payload),
  headers: { accept: 'application/graphql-response+json' },
  status,
});

const graphqlCases: Case[] = [
  gql('syntax error', { query: '{ status { ' }),
  gql('unknown field', { query: '{ nope }' }),
  gql('unknown enum value', { query: '{ improvements(status: DONE) { id } }' }),
  gql('lower-case enum value', { query: '{ improvements(status: pending) { id } }' }),
  gql('variable of the wrong type', { query: 'query($h: Float) { metrics(hours: $h) { id } }', variables: { h: 'abc' } }),
  gql('query as a number', { query: 42 }),
  gql('missing query', { variables: {} }),
  gql('variables as a string', { query: '{ status { totalImprovements } }', variables: 'x' }),
  gql('unknown operation name', { query: 'query A { status { totalImprovements } }', operationName: 'B' }),
  gql('fragment cycle', { query: '{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }' }),
  gql('alias bomb', { query: `{ ${Array.from({ length: 100 }, (_, i) => `a${i}: status { totalImprovements }`).join(' ')} }` }),
  gql('token flood', { query: `{ status { ${'totalImprovements '.repeat(3000)} } }` }),
  gql('directive flood', { query: `{ status ${'@include(if: true) '.repeat(50)} { totalImprovements } }` }),
  gql('batched array', [{ query: '{ status { totalImprovements } }' }]),
  gql('mutation over a bad sample', { query: 'mutation { reportMetrics(samples: [{ agentName: "a", successRate: 2 }]) { accepted } }' }, 200),
  gql('SQL in an id', { query: `mutation { approveImprovement(id: "${SQL.replace(/'/g, '')}") { message } }` }, 200),
  gql('negative hours', { query: '{ metrics(hours: -5) { id } }' }, 200),
  gql('hours as a huge number', { query: '{ metrics(hours: 1e308) { id } }' }, 200),
  gql('Int overflow', { query: '{ metrics(limit: 99999999999) { id } }' }),
  gql('unknown argument', { query: '{ metrics(days: 3) { id } }' }),
  gql('introspection nested 35 deep', { query: `{ __schema { types { fields { type ${'{ ofType '.repeat(30)}{ name }${' }'.repeat(30)} } } } }` }),
  { name: 'graphql: a reason with bytes that are not UTF-8', method: 'POST', path: '/graphql', body: Buffer.from('{"query":"mutation { rejectImprovement(id: \\"x\\", reason: \\"caf\xe9\\") { message } }"}', 'latin1'), headers: { 'content-type': 'application/json' }, status: 400 },
  { name: 'graphql: the same under a listed content type', method: 'POST', path: '/graphql', body: Buffer.from('{"query":"mutation { rejectImprovement(id: \\"x\\", reason: \\"caf\xe9\\") { message } }"}', 'latin1'), headers: { 'content-type': 'application/json, text/plain' }, status: 400 },
  gql('subscription over HTTP POST with the wrong accept', { query: 'subscription { healthSnapshot { timestamp } }' }, 406),
  { name: 'graphql: mutation over GET', path: `/graphql?query=${encodeURIComponent('mutation { stopMonitoring { active } }')}`, headers: { accept: 'application/json' }, status: 405 },
  { name: 'graphql: text/plain body', method: 'POST', path: '/graphql', body: '{ status { totalImprovements } }', headers: { 'content-type': 'text/plain' }, status: 415 },
];

async function send(c: Case): Promise<{ status: number; text: string }> {
  const headers: Record<string, string> = { ...AUTH, ...c.headers };
  if (headers.authorization === '') delete headers.authorization;
  const res = await fetch(base + c.path.replace('/ID/', `/${improvementId}/`), { method: c.method ?? 'GET', body: c.body as BodyInit | undefined, headers });
  return { status: res.status, text: await res.text() };
}

describe('hostile input', () => {
  it('has at least a hundred cases across REST, GraphQL, websockets and configuration', () => {
    expect(restCases.length + graphqlCases.length + WS_CASES + CONFIG_CASES.length).toBeGreaterThanOrEqual(100);
  });

  it.each(restCases.map((c) => [c.name, c] as const))('REST %s: the right 4xx and a clear message', async (_, c) => {
    const { status, text } = await send(c);
    expect(status).toBe(c.status);
    const body = JSON.parse(text);
    expect(body).toMatchObject({ status: 'error', code: expect.any(String) });
    expect(body.message.length).toBeGreaterThan(5);
    expect(text).not.toMatch(/\n\s+at |node_modules|SqliteError/);
  });

  it.each(graphqlCases.map((c) => [c.name, c] as const))('GraphQL %s: refused with a clear error', async (_, c) => {
    const { status, text } = await send(c);
    expect(status).toBe(c.status);
    if (status === 415 || status === 405 || status === 406) return;
    const body = JSON.parse(text);
    expect(body.errors?.length, text).toBeGreaterThan(0);
    expect(body.errors[0].message.length).toBeGreaterThan(5);
    expect(text).not.toMatch(/\n\s+at |node_modules|INTERNAL_SERVER_ERROR/);
  });

  it('answers malformed HTTP on the raw socket with 400 and stays up', async () => {
    for (const raw of ['GARBAGE\r\n\r\n', 'GET / HTTP/9.9\r\n\r\n', `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`]) {
      const reply = await new Promise<string>((resolve) => {
        const socket = connect(Number(new URL(base).port), '127.0.0.1', () => socket.end(raw));
        let data = '';
        socket.on('data', (chunk) => (data += chunk));
        socket.on('close', () => resolve(data));
        socket.on('error', () => resolve(data));
      });
      expect(reply).toMatch(/^HTTP\/1\.1 4\d\d/);
    }
  });

  it.each(WS_SCRIPTS.map((s) => [s.name, s] as const))('websocket %s', async (_, script) => {
    const url = base.replace('http', 'ws') + '/graphql';
    const outcome = await new Promise<{ code: number; messages: any[] }>((resolve) => {
      const ws = new WebSocket(url, script.protocol ?? 'graphql-transport-ws');
      const messages: any[] = [];
      ws.on('message', (data) => {
        messages.push(JSON.parse(String(data)));
        if (messages.length === script.closeAfter) ws.close(1000);
      });
      ws.once('open', () => script.run(ws));
      ws.once('close', (code) => resolve({ code, messages }));
      ws.once('error', () => undefined);
    });
    script.expect(outcome);
  });

  it.each(CONFIG_CASES.map((c) => [c.name, c] as const))('configuration %s is refused naming the setting', (_, c) => {
    let problems: string[] = [];
    try {
      loadConfig(c.env);
    } catch (error) {
      if (error instanceof ConfigError) problems = error.problems;
      else throw error;
    }
    expect(problems.join('\n')).toMatch(c.names);
  });

  it('left the server up and every stored byte as it was', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect(fingerprint(t.dataDir)).toBe(fingerprintBefore);
  });
});

const init = (ws: WebSocket, token = TOKEN) => ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
const afterAck = (ws: WebSocket, then: () => void) => ws.once('message', then);

interface WsScript {
  name: string;
  protocol?: string;
  closeAfter?: number;
  run(ws: WebSocket): void;
  expect(outcome: { code: number; messages: any[] }): void;
}

const WS_SCRIPTS: WsScript[] = [
  { name: 'bad JSON closes 4400', run: (ws) => ws.send('{nope'), expect: (o) => expect(o.code).toBe(4400) },
  { name: 'unknown message type closes 4400', run: (ws) => ws.send('{"type":"hello"}'), expect: (o) => expect(o.code).toBe(4400) },
  { name: 'subscribe before init closes 4401', run: (ws) => ws.send('{"type":"subscribe","id":"1","payload":{"query":"{ status { totalImprovements } }"}}'), expect: (o) => expect(o.code).toBe(4401) },
  { name: 'a wrong token closes 4403', run: (ws) => init(ws, 'wrong-token-0123456789'), expect: (o) => expect(o.code).toBe(4403) },
  {
    name: 'a second init closes 4429',
    run: (ws) => {
      init(ws);
      afterAck(ws, () => init(ws));
    },
    expect: (o) => expect(o.code).toBe(4429),
  },
  {
    name: 'a duplicate subscription id closes 4409',
    run: (ws) => {
      init(ws);
      afterAck(ws, () => {
        const sub = JSON.stringify({ type: 'subscribe', id: 'same', payload: { query: 'subscription { healthSnapshot { timestamp } }' } });
        ws.send(sub);
        ws.send(sub);
      });
    },
    expect: (o) => expect(o.code).toBe(4409),
  },
  {
    name: 'an invalid operation answers an error and keeps the socket',
    closeAfter: 2,
    run: (ws) => {
      init(ws);
      afterAck(ws, () => ws.send(JSON.stringify({ type: 'subscribe', id: 'x', payload: { query: 'subscription { improvementEvents(kinds: [EXPLODED]) { kind } }' } })));
    },
    expect: (o) => {
      expect(o.messages[1]).toMatchObject({ type: 'error', id: 'x' });
      expect(o.code).toBe(1000);
    },
  },
  {
    name: 'a subscribe without a query is a bad message (4400)',
    run: (ws) => {
      init(ws);
      afterAck(ws, () => ws.send(JSON.stringify({ type: 'subscribe', id: 'q', payload: {} })));
    },
    expect: (o) => expect(o.code).toBe(4400),
  },
  {
    name: 'an oversize message closes 1009',
    run: (ws) => ws.send(JSON.stringify({ type: 'connection_init', payload: { pad: 'x'.repeat(20_000) } })),
    expect: (o) => expect(o.code).toBe(1009),
  },
  {
    name: 'a deep subscription is refused by the limits',
    closeAfter: 2,
    run: (ws) => {
      init(ws);
      afterAck(ws, () =>
        ws.send(JSON.stringify({ type: 'subscribe', id: 'd', payload: { query: `subscription { improvementEvents { ${'a0: kind '.repeat(1)}${Array.from({ length: 30 }, (_, i) => `a${i + 1}: kind`).join(' ')} } }` } })),
      );
    },
    expect: (o) => expect(o.messages[1]).toMatchObject({ type: 'error', id: 'd', payload: [expect.objectContaining({ message: expect.stringMatching(/aliases/i) })] }),
  },
];
const WS_CASES = WS_SCRIPTS.length;

const CONFIG_CASES: Array<{ name: string; env: Record<string, string>; names: RegExp }> = [
  { name: 'a port that is not a number', env: { META_AGENT_PORT: 'eighty' }, names: /META_AGENT_PORT/ },
  { name: 'a port out of range', env: { META_AGENT_PORT: '70000' }, names: /META_AGENT_PORT/ },
  { name: 'a negative interval', env: { META_AGENT_HEALTH_INTERVAL_S: '-5' }, names: /META_AGENT_HEALTH_INTERVAL_S/ },
  { name: 'a fractional interval', env: { META_AGENT_ANALYSIS_INTERVAL_S: '2.5' }, names: /META_AGENT_ANALYSIS_INTERVAL_S/ },
  { name: 'a huge retention', env: { META_AGENT_RETENTION_DAYS: '1e308' }, names: /META_AGENT_RETENTION_DAYS/ },
  { name: 'NaN retention', env: { META_AGENT_RETENTION_DAYS: 'NaN' }, names: /META_AGENT_RETENTION_DAYS/ },
  { name: 'an unknown log level', env: { META_AGENT_LOG_LEVEL: 'chatty' }, names: /META_AGENT_LOG_LEVEL/ },
  { name: 'a token list without roles', env: { META_AGENT_API_TOKENS: 'just-a-token-0123456789' }, names: /META_AGENT_API_TOKENS: entry 1/ },
  { name: 'a token list with an unknown role', env: { META_AGENT_API_TOKENS: 'root:token-0123456789abcdef' }, names: /META_AGENT_API_TOKENS/ },
  { name: 'a short token', env: { META_AGENT_API_TOKENS: 'admin:short' }, names: /at least 16 characters/ },
  { name: 'a missing config file', env: { META_AGENT_CONFIG: '/nonexistent/meta.json' }, names: /META_AGENT_CONFIG: cannot read/ },
];
