import { describe, expect, it } from 'vitest';
import type { AgentStatus } from '../../src/domain/agent.js';
import type { AgentHealth } from '../../src/domain/enums.js';
import { createEventBus } from '../../src/events/bus.js';
import { createDeliveryBudget } from '../../src/events/budget.js';
import { agentStatusBuffer, fifoBuffer, latestBuffer } from '../../src/events/buffers.js';
import { agentStatusTick } from '../../src/events/topics.js';

const status = (name: string, health: AgentHealth) => ({ name, health }) as AgentStatus;
const tick = (at: string, healths: Record<string, AgentHealth>, before: Record<string, AgentHealth> = {}) =>
  agentStatusTick(at, Object.entries(healths).map(([name, health]) => status(name, health)), new Map(Object.entries(before)));
const drain = <E>(take: () => E | undefined) => {
  const out: E[] = [];
  for (let e = take(); e !== undefined; e = take()) out.push(e);
  return out;
};

describe('agent status buffers (latest wins)', () => {
  it('gives a slow reader of every agent each agent once per round, with its freshest status', () => {
    const buffer = agentStatusBuffer({ changesOnly: false });
    buffer.offer(tick('t1', { a: 'healthy', b: 'healthy', c: 'healthy', d: 'healthy' }));
    expect(buffer.take()?.agent.name).toBe('a');
    expect(buffer.take()?.agent.name).toBe('b');
    // A new tick arrives mid-round: the round goes on from after b, with t2's values.
    buffer.offer(tick('t2', { a: 'failing', b: 'failing', c: 'failing', d: 'failing' }));
    expect(drain(() => buffer.take()).map((c) => `${c.agent.name}@${c.at}`)).toEqual(['c@t2', 'd@t2']);
    buffer.offer(tick('t3', { a: 'healthy', b: 'healthy', c: 'healthy', d: 'healthy' }));
    expect(drain(() => buffer.take()).map((c) => `${c.agent.name}@${c.at}`)).toEqual(['a@t3', 'b@t3', 'c@t3', 'd@t3']);
  });

  it('keeps a reader that never reads at one tick, however many ticks pass', () => {
    const buffer = agentStatusBuffer({ changesOnly: false });
    for (let i = 0; i < 1000; i++) buffer.offer(tick(`t${i}`, { a: 'healthy', b: 'healthy' }));
    expect(drain(() => buffer.take()).map((c) => c.at)).toEqual(['t999', 't999']);
  });

  it('keeps the newest change per agent for changesOnly, in the order agents first changed', () => {
    const buffer = agentStatusBuffer({ changesOnly: true });
    buffer.offer(tick('t1', { a: 'failing', b: 'healthy' }, { a: 'healthy', b: 'healthy' }));
    buffer.offer(tick('t2', { a: 'failing', b: 'offline' }, { a: 'failing', b: 'healthy' }));
    buffer.offer(tick('t3', { a: 'healthy', b: 'offline' }, { a: 'failing', b: 'offline' }));
    expect(drain(() => buffer.take()).map((c) => `${c.agent.name}:${c.previous_health}->${c.agent.health}@${c.at}`)).toEqual([
      'a:failing->healthy@t3',
      'b:healthy->offline@t2',
    ]);
  });

  it('follows one agent, latest wins, ignoring the others', () => {
    const buffer = agentStatusBuffer({ agentName: 'b', changesOnly: false });
    buffer.offer(tick('t1', { a: 'healthy', b: 'healthy' }));
    buffer.offer(tick('t2', { a: 'healthy', b: 'degraded' }));
    expect(drain(() => buffer.take()).map((c) => `${c.agent.name}@${c.at}`)).toEqual(['b@t2']);
    buffer.offer(tick('t3', { a: 'healthy' }));
    expect(buffer.take()).toBeUndefined();
  });
});

describe('FIFO and latest buffers', () => {
  it('delivers every matching event in order and refuses once more than the capacity wait', () => {
    const buffer = fifoBuffer<number>(5, (n) => n % 2 === 0);
    expect(buffer.offer([1, 2, 3, 4])).toBe(true);
    expect(buffer.offer([6])).toBe(true);
    expect(buffer.take()).toBe(2);
    expect(buffer.offer([8, 10, 12])).toBe(true); // 4, 6, 8, 10, 12 wait: exactly the capacity
    expect(buffer.offer([14])).toBe(false);
  });

  it('puts what existed before subscribing first', () => {
    const buffer = fifoBuffer<string>(10);
    buffer.offer(['live']);
    buffer.prepend!(['old1', 'old2']);
    expect(drain(() => buffer.take())).toEqual(['old1', 'old2', 'live']);
  });

  it('keeps only the newest snapshot', () => {
    const buffer = latestBuffer<number>();
    buffer.offer(1);
    buffer.offer(2);
    buffer.prepend!(0); // older than what arrived since: dropped
    expect(drain(() => buffer.take())).toEqual([2]);
  });
});

describe('the event bus', () => {
  it('never throws into a publisher, and ends a lagging subscriber with an error it can act on', async () => {
    const errors: unknown[] = [];
    const bus = createEventBus({ onListenerError: (_topic, error) => errors.push(error), deliveriesPerSecond: 1000 });
    bus.listen('finding:recorded', () => {
      throw new Error('listener bug');
    });
    const sub = bus.subscribe('finding:recorded', fifoBuffer(2), 'too slow: re-read');
    const event = { kind: 'new' as const, at: 'now', finding: {} as never };
    expect(() => bus.publish('finding:recorded', [event, event, event])).not.toThrow();
    expect(errors).toHaveLength(1);
    await expect(sub.next()).rejects.toMatchObject({ message: 'too slow: re-read', code: 'SUBSCRIBER_TOO_SLOW' });
    expect(bus.subscriberCounts()['finding:recorded']).toBe(0);
  });

  it('ends a waiting read at once when the subscriber leaves', async () => {
    const bus = createEventBus({ onListenerError: () => undefined, deliveriesPerSecond: 1000 });
    const sub = bus.subscribe('health:snapshot', latestBuffer(), '');
    const pending = sub.next();
    await sub.return();
    await expect(pending).resolves.toEqual({ value: undefined, done: true });
    expect(bus.subscriberCounts()['health:snapshot']).toBe(0);
  });
});

describe('the delivery budget', () => {
  it('lets a burst through, then serves waiters in arrival order at the set rate', async () => {
    let now = 0;
    const budget = createDeliveryBudget(100, () => now); // burst of 10
    for (let i = 0; i < 10; i++) expect(budget.acquire()).toBeUndefined();
    const served: string[] = [];
    const a = budget.acquire()!.then(() => served.push('a'));
    const b = budget.acquire()!.then(() => served.push('b'));
    expect(budget.acquire()).toBeInstanceOf(Promise); // c queues behind a and b even if a token appears
    now = 10; // one token's worth of time
    await new Promise((r) => setTimeout(r, 30));
    expect(served).toEqual(['a']);
    now = 20;
    await Promise.all([a, b]);
    expect(served).toEqual(['a', 'b']);
    budget.stop();
  });
});
