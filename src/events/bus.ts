import { createDeliveryBudget } from './budget.js';
import { Subscription, type EventBuffer } from './subscription.js';
import type { Topics } from './topics.js';

export type Listener<P> = (payload: P) => void;
/** Told of every event published here (the Redis bridge carries them to the other replicas). */
export type PublishHook = <K extends keyof Topics>(topic: K, payload: Topics[K]) => void;

export interface EventBusOptions {
  /** Where a listener's exception goes: a publish never throws into the publisher. */
  onListenerError(topic: string, error: unknown): void;
  /** Events per second delivered to all subscribers together (limits.subscriptionEventsPerSecond). */
  deliveriesPerSecond: number;
}

/**
 * The in-process event bus. Publishing hands the payload to each internal listener and to each
 * subscriber's own bounded buffer; it costs O(listeners + subscribers) per publish, never blocks,
 * and never throws. What a subscriber keeps is decided by its buffer (see buffers.ts).
 */
export function createEventBus(options: EventBusOptions) {
  const budget = createDeliveryBudget(options.deliveriesPerSecond);
  const subscribers = new Map<keyof Topics, Set<Subscription<unknown, unknown>>>();
  const listeners = new Map<keyof Topics, Set<Listener<unknown>>>();
  const hooks = new Set<PublishHook>();
  const deliver = <K extends keyof Topics>(topic: K, payload: Topics[K]) => {
    for (const subscription of subscribers.get(topic) ?? []) subscription.deliver(payload);
  };
  const setOf = <V>(map: Map<keyof Topics, Set<V>>, topic: keyof Topics) => {
    let set = map.get(topic);
    if (!set) map.set(topic, (set = new Set()));
    return set;
  };

  return {
    publish<K extends keyof Topics>(topic: K, payload: Topics[K]): void {
      for (const listener of listeners.get(topic) ?? []) {
        try {
          listener(payload);
        } catch (error) {
          options.onListenerError(topic, error);
        }
      }
      deliver(topic, payload);
      for (const hook of hooks) {
        try {
          hook(topic, payload);
        } catch (error) {
          options.onListenerError(topic, error);
        }
      }
    },
    /**
     * An event another replica published: to this replica's subscribers only. Internal listeners
     * (the notifier) act on their own replica's events, so nothing is notified twice.
     */
    deliverRemote<K extends keyof Topics>(topic: K, payload: Topics[K]): void {
      deliver(topic, payload);
    },
    /** Calls `hook` with every event published here; returns its removal. */
    onPublish(hook: PublishHook): () => void {
      hooks.add(hook);
      return () => hooks.delete(hook);
    },
    /** An internal consumer, called synchronously with each payload; returns its removal. */
    listen<K extends keyof Topics>(topic: K, listener: Listener<Topics[K]>): () => void {
      const set = setOf(listeners, topic);
      set.add(listener as Listener<unknown>);
      return () => set.delete(listener as Listener<unknown>);
    },
    /** A stream for one subscriber, buffered by the given policy; ends when its consumer returns. */
    subscribe<K extends keyof Topics, E>(topic: K, buffer: EventBuffer<Topics[K], E>, lagMessage: string): Subscription<Topics[K], E> {
      const set = setOf(subscribers, topic);
      const subscription: Subscription<Topics[K], E> = new Subscription(buffer, budget, lagMessage, () => set.delete(subscription as Subscription<unknown, unknown>));
      set.add(subscription as Subscription<unknown, unknown>);
      return subscription;
    },
    stop(): void {
      budget.stop();
    },
    /** Open subscriptions per topic (health reports them). */
    subscriberCounts(): Record<string, number> {
      return Object.fromEntries([...subscribers].map(([topic, set]) => [topic, set.size]));
    },
  };
}

export type EventBus = ReturnType<typeof createEventBus>;
