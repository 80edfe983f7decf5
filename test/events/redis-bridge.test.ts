import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { latestBuffer, fifoBuffer } from '../../src/events/buffers.js';
import { createEventBus, type EventBus } from '../../src/events/bus.js';
import { bridgeToRedis, type RedisBridge } from '../../src/events/redis-bridge.js';
import { agentStatusTick } from '../../src/events/topics.js';
import type { AgentStatus } from '../../src/domain/agent.js';
import { serviceUrl } from '../helpers/services.js';
import { tcpRelay } from '../helpers/tcp-relay.js';

const url = serviceUrl('META_AGENT_TEST_REDIS_URL', 'Redis');

/** A replica's bus, bridged, with the warnings it logged. */
function replica(redisUrl: string, namespace: string, instanceId: string) {
  const logged: Array<{ level: number; msg: string }> = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void logged.push(JSON.parse(line)) });
  const bus = createEventBus({ onListenerError: () => {}, deliveriesPerSecond: 100_000 });
  const bridge = bridgeToRedis(bus, { url: redisUrl, namespace, instanceId, logger });
  return { bus, bridge, logged };
}

async function eventually(check: () => boolean, timeoutMs = 5000, what = 'condition') {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Collects what a subscription delivers. */
function collect<T>(iterator: AsyncIterator<T>): T[] {
  const seen: T[] = [];
  void (async () => {
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      seen.push(next.value);
    }
  })();
  return seen;
}

/** Once the subscribe connection is listening, a probe event crosses: waits for it. */
async function connected(from: EventBus, to: EventBus) {
  const probe = collect(to.subscribe('agent:retired', fifoBuffer(100), ''));
  await eventually(() => {
    from.publish('agent:retired', [{ at: new Date().toISOString(), name: 'probe', last_seen: '', unseen_days: 0 }]);
    return probe.length > 0;
  }, 5000, 'the bridge connecting');
}

const status = (name: string, health: AgentStatus['health']) => ({ name, health }) as unknown as AgentStatus;

describe.skipIf(!url)('live events across replicas through Redis', () => {
  const bridges: RedisBridge[] = [];
  afterEach(async () => {
    await Promise.all(bridges.splice(0).map((b) => b.stop()));
  });
  const start = (redisUrl: string, namespace: string, id: string) => {
    const r = replica(redisUrl, namespace, id);
    bridges.push(r.bridge);
    return r;
  };

  it("gives another replica's subscribers every event once, and leaves its internal listeners to their own replica's events", async () => {
    const namespace = randomUUID();
    const a = start(url!, namespace, 'a');
    const b = start(url!, namespace, 'b');
    await connected(a.bus, b.bus);
    const onB = collect(b.bus.subscribe('agent:status', latestBuffer(), ''));
    const onA = collect(a.bus.subscribe('agent:status', latestBuffer(), ''));
    let listenedOnB = 0;
    b.bus.listen('agent:status', () => void (listenedOnB += 1));
    const tick = agentStatusTick('2026-12-03T10:00:00.000Z', [status('x', 'healthy'), status('y', 'failing')], new Map([['x', 'healthy']]));
    a.bus.publish('agent:status', tick);
    await eventually(() => onB.length > 0, 5000, 'the tick on B');
    // The tick arrives whole: its index by name and its changes are rebuilt.
    expect(onB[0]!.byName.get('y')!.agent.health).toBe('failing');
    expect(onB[0]!.changes.map((c) => c.agent.name)).toEqual(['y']);
    expect(listenedOnB).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(onA).toHaveLength(1); // its own event is not delivered again from Redis
    expect(onB).toHaveLength(1);
  });

  it('keeps clusters that share a Redis apart', async () => {
    const namespace = randomUUID();
    const a = start(url!, namespace, 'a');
    const sameCluster = start(url!, namespace, 'c');
    const otherCluster = start(url!, randomUUID(), 'b');
    const onOther = collect(otherCluster.bus.subscribe('agent:retired', fifoBuffer(100), ''));
    await connected(a.bus, sameCluster.bus);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(onOther).toEqual([]);
  });

  it('neither throws nor crashes while Redis is gone, says so once, and carries events again when it returns', async () => {
    const target = new URL(url!);
    // Closing the relay cuts both replicas' connections and refuses new ones, as an outage would.
    const relay = await tcpRelay(target.hostname, Number(target.port || 6379));
    const viaRelay = `redis://127.0.0.1:${relay.port}`;
    const namespace = randomUUID();
    const a = start(viaRelay, namespace, 'a');
    const b = start(viaRelay, namespace, 'b');
    try {
      await connected(a.bus, b.bus);
      relay.cut();
      await eventually(() => a.logged.some((l) => l.level === 40 && /Redis unavailable/.test(l.msg)), 5000, 'the warning');
      for (let i = 0; i < 50; i++) expect(() => a.bus.publish('agent:retired', [{ at: '', name: `lost${i}`, last_seen: '', unseen_days: 0 }])).not.toThrow();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(a.logged.filter((l) => /Redis unavailable/.test(l.msg)), JSON.stringify(a.logged)).toHaveLength(1);

      await relay.restore();
      await connected(a.bus, b.bus);
      expect(a.logged.some((l) => /Redis is back/.test(l.msg))).toBe(true);
    } finally {
      relay.close();
    }
  });
});
