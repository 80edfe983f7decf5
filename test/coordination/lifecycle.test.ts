import { describe, expect, it } from 'vitest';
import { IMPROVEMENT_MOVES, type ImprovementMove } from '../../src/domain/improvement.js';
import { ImprovementStatus } from '../../src/domain/enums.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { series } from '../helpers/samples.js';
import { subscribe, wsClient } from '../helpers/ws.js';

const WORKER = 'worker-1';
const STATUSES = Object.values(ImprovementStatus);
/** The verbs a client can call, over REST and GraphQL (release happens inside: hand-on, lease expiry). */
const VERBS = ['approve', 'reject', 'claim', 'complete', 'fail'] as const satisfies readonly ImprovementMove[];
type Verb = (typeof VERBS)[number];

const rest = (t: TestApp, verb: Verb, id: string) => {
  const body: Record<Verb, unknown> = {
    approve: undefined,
    reject: { reason: 'not now' },
    claim: { worker: WORKER },
    complete: { worker: WORKER, summary: 'done' },
    fail: { worker: WORKER, reason: 'could not' },
  };
  return t.post(`/api/meta-agent/improvements/${id}/${verb}`, body[verb]);
};

const graphql = (t: TestApp, verb: Verb, id: string) => {
  const call: Record<Verb, string> = {
    approve: `approveImprovement(id: "${id}") { improvement { id } }`,
    reject: `rejectImprovement(id: "${id}", reason: "not now") { improvement { id } }`,
    claim: `claimImprovement(id: "${id}", worker: "${WORKER}") { id }`,
    complete: `completeImprovement(id: "${id}", worker: "${WORKER}", result: { summary: "done" }) { id }`,
    fail: `failImprovement(id: "${id}", worker: "${WORKER}", reason: "could not") { id }`,
  };
  return t.gql(`mutation { ${call[verb]} }`);
};

/** The moves that bring a pending suggestion to each status. */
const PATH: Record<ImprovementStatus, Verb[]> = {
  pending: [],
  approved: ['approve'],
  in_progress: ['approve', 'claim'],
  completed: ['approve', 'claim', 'complete'],
  failed: ['approve', 'claim', 'fail'],
  rejected: ['reject'],
};

/** One pending suggestion per case, each for its own agent, from one analysis run. */
async function suggestions(t: TestApp, count: number): Promise<string[]> {
  const samples = Array.from({ length: count }, (_, i) => series(`agent_${String(i).padStart(2, '0')}`, t.clock.now(), 10, 30_000, () => ({ response_time: 45 }))).flat();
  expect((await t.post('/api/agents/metrics', { samples })).status).toBe(200);
  const created = (await t.post('/api/meta-agent/trigger-analysis')).body.data.improvements_created as Array<{ id: string }>;
  expect(created).toHaveLength(count);
  return created.map((i) => i.id);
}

describe('the improvement lifecycle: one transition table', () => {
  it('allows each move of the table once and refuses every other, over REST and GraphQL, touching nothing', async () => {
    // The built-in analyst would take approved performance work on; here approved work stays approved.
    const t = createTestApp({ coordination: { builtinPerformanceAnalyst: { enabled: false } } });
    const { port } = await t.agent.start();
    const cases = STATUSES.flatMap((status) => VERBS.map((verb) => ({ status, verb })));
    const ids = await suggestions(t, cases.length);
    for (const [i, { status }] of cases.entries()) {
      for (const step of PATH[status]) expect((await rest(t, step, ids[i]!)).status).toBe(200);
    }
    const events = subscribe(wsClient(`ws://127.0.0.1:${port}/graphql`), 'subscription { improvementEvents { kind improvement { id status } } }');
    await new Promise((r) => setTimeout(r, 100));

    let allowed = 0;
    for (const [i, { status, verb }] of cases.entries()) {
      const id = ids[i]!;
      const before = (await t.get(`/api/meta-agent/improvements/${id}`)).body.data;
      expect(before.status).toBe(status);
      const move = IMPROVEMENT_MOVES[verb];
      if ((move.from as readonly string[]).includes(status)) {
        allowed += 1;
        expect((await rest(t, verb, id)).status, `${verb} from ${status}`).toBe(200);
        const after = (await t.get(`/api/meta-agent/improvements/${id}`)).body.data;
        expect(after.status).toBe(move.to);
        expect(after.history.at(-1)).toMatchObject({ from_status: status, to_status: move.to });
        // Once only: the same move again is refused.
        expect((await rest(t, verb, id)).status).toBe(409);
        continue;
      }
      const refused = await rest(t, verb, id);
      expect(refused.status, `${verb} from ${status}`).toBe(409);
      expect(refused.body).toMatchObject({ status: 'error', code: 'CONFLICT', message: expect.stringMatching(new RegExp(`is ${status}`)) });
      const overGraphql = await graphql(t, verb, id);
      expect(overGraphql.errors[0].extensions.code, `${verb} from ${status} over GraphQL`).toBe('CONFLICT');
      expect((await t.get(`/api/meta-agent/improvements/${id}`)).body.data).toEqual(before);
    }
    expect(allowed).toBe(VERBS.reduce((n, verb) => n + IMPROVEMENT_MOVES[verb].from.length, 0));

    // Events came only for the allowed moves, each with the state after it.
    await new Promise((r) => setTimeout(r, 200));
    const seen = events.received.map((e) => e.improvementEvents);
    expect(seen).toHaveLength(allowed);
    for (const event of seen) expect(event.improvement.status).toBe(event.kind === 'CLAIMED' ? 'IN_PROGRESS' : event.kind);
  }, 60_000);

  it('routes the work when it approves it: the approved event already names the specialist', async () => {
    const t = createTestApp({ coordination: { builtinPerformanceAnalyst: { enabled: false } } });
    const { port } = await t.agent.start();
    const [id] = await suggestions(t, 1);
    const events = subscribe(wsClient(`ws://127.0.0.1:${port}/graphql`), 'subscription { improvementEvents(kinds: [APPROVED]) { improvement { id status assignedAgent routingReason } } }');
    await new Promise((r) => setTimeout(r, 100));
    await rest(t, 'approve', id!);
    const [approved] = await events.waitFor(1);
    expect(approved!.improvementEvents.improvement).toMatchObject({ id, status: 'APPROVED', assignedAgent: 'performance_analyst', routingReason: expect.stringMatching(/routing table/) });
  });
});
