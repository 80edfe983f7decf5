import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import type { EventBus } from './bus.js';
import { agentStatusTickFrom, TOPIC_NAMES, type AgentStatusTick, type Topics } from './topics.js';

export interface RedisBridgeOptions {
  url: string;
  /** Replicas of one cluster share it (the store's identity), so clusters sharing a Redis never hear each other. */
  namespace: string;
  instanceId: string;
  logger: Logger;
}

export interface RedisBridge {
  stop(): Promise<void>;
}

/** What crosses the wire: who published it, and the payload in plain JSON. */
interface Envelope {
  origin: string;
  topic: string;
  payload: unknown;
}

// Every payload is plain JSON except a status tick, whose index and changes are rebuilt from its statuses.
const encode = (topic: keyof Topics, payload: unknown): unknown =>
  topic === 'agent:status' ? { at: (payload as AgentStatusTick).at, statuses: (payload as AgentStatusTick).statuses } : payload;
const decode = (topic: keyof Topics, value: unknown): unknown => {
  if (topic !== 'agent:status') return value;
  const { at, statuses } = value as Pick<AgentStatusTick, 'at' | 'statuses'>;
  return agentStatusTickFrom(at, statuses);
};

/** A message that is not ours (another program on the channel, a bad byte) is dropped, never thrown into Redis's reader. */
const serializer = {
  stringify: (value: unknown) => JSON.stringify(value),
  parse: (text: string): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      return undefined;
    }
  },
};

const isEnvelope = (value: unknown): value is Envelope =>
  typeof value === 'object' && value !== null && typeof (value as Envelope).origin === 'string' && typeof (value as Envelope).topic === 'string' && 'payload' in value;

/**
 * Carries every event published on this replica's bus to the other replicas through Redis
 * pub/sub, and theirs to this replica's subscribers (each keeps its own bounded buffer, so a slow
 * subscriber costs only its own memory). Redis going away never reaches a publisher: a publish
 * that cannot be sent is dropped and logged once per outage (live events are best effort, the
 * database holds the truth; a subscriber that (re)subscribes is given the latest snapshot from
 * it). ioredis reconnects by itself and subscribes again, and events resume.
 */
export function bridgeToRedis(bus: EventBus, { url, namespace, instanceId, logger }: RedisBridgeOptions): RedisBridge {
  const log = logger.child({ module: 'pubsub' });
  const retryStrategy = (attempt: number) => Math.min(attempt * 250, 2000);
  // No offline queue for publishes: events published during an outage must not pile up in memory.
  const publisher = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy, connectionName: `meta-agent ${instanceId} publish` });
  // Its few SUBSCRIBE commands wait in the offline queue for as long as Redis is away (no retry
  // limit: rejected, they would be lost for good, since only confirmed subscriptions are renewed).
  const subscriber = new Redis(url, { retryStrategy, autoResubscribe: true, maxRetriesPerRequest: null, connectionName: `meta-agent ${instanceId} subscribe` });
  let down = false;
  let everReady = false;
  const failed = (what: string) => (error: Error) => {
    // A publish in the first moments, before the connection is up, is no outage.
    if (down || (what === 'publish' && !everReady)) return;
    down = true;
    log.warn({ error: error.message }, `Redis unavailable (${what}): live events reach only this replica's subscribers until it returns`);
  };
  const ready = () => {
    everReady = true;
    if (!down) return;
    down = false;
    log.info('Redis is back: live events reach every replica again');
  };
  publisher.on('error', failed('connection'));
  subscriber.on('error', failed('connection'));
  publisher.on('ready', ready);
  subscriber.on('ready', ready);

  const target = createRedisEventTarget({
    // The library does not wait for a publish; a failed one is caught here rather than left unhandled.
    publishClient: { publish: (channel: string, message: string) => publisher.publish(channel, message).catch(failed('publish')) } as unknown as Redis,
    // The library does not wait for its SUBSCRIBEs either: the same guard.
    subscribeClient: {
      on: (event: string, listener: (...args: any[]) => void) => subscriber.on(event, listener),
      subscribe: (...channels: string[]) => subscriber.subscribe(...channels).catch(failed('subscribe')),
      unsubscribe: (...channels: string[]) => subscriber.unsubscribe(...channels).catch(() => {}),
    } as unknown as Redis,
    serializer,
  });
  const channel = (topic: string) => `meta-agent:${namespace}:${topic}`;
  for (const topic of TOPIC_NAMES) {
    target.addEventListener(channel(topic), (event: Event) => {
      const envelope = (event as CustomEvent<unknown>).detail;
      if (!isEnvelope(envelope) || envelope.origin === instanceId || envelope.topic !== topic) return;
      try {
        bus.deliverRemote(topic, decode(topic, envelope.payload) as Topics[typeof topic]);
      } catch (error) {
        log.warn({ topic, error: (error as Error).message }, 'an event from another replica could not be read; dropped');
      }
    });
  }
  const unhook = bus.onPublish((topic, payload) => {
    const envelope: Envelope = { origin: instanceId, topic, payload: encode(topic, payload) };
    target.dispatchEvent(new CustomEvent(channel(topic), { detail: envelope }));
  });

  return {
    async stop() {
      unhook();
      // Not quit(): it would wait behind commands queued while Redis is away.
      publisher.disconnect();
      subscriber.disconnect();
    },
  };
}
