import type { EventBuffer } from './subscription.js';
import type { AgentStatusChange, AgentStatusTick } from './topics.js';

/** Latest wins: only the newest payload is kept (health snapshots). */
export function latestBuffer<P>(): EventBuffer<P, P> {
  let pending: P | undefined;
  return {
    offer(payload) {
      pending = payload;
      return true;
    },
    take() {
      const value = pending;
      pending = undefined;
      return value;
    },
    empty: () => pending === undefined,
    prepend(payload) {
      pending ??= payload;
    },
    clear() {
      pending = undefined;
    },
  };
}

const SMALL_BATCH = 16;

/**
 * Bounded FIFO over batches (suggestion, finding and assignment events): every matching event in
 * order, until more than `capacity` wait unread; then the subscriber is told it fell behind.
 * Batches are shared with other subscribers, not copied, unless a filter picks from them.
 */
export function fifoBuffer<T>(capacity: number, accepts?: (event: T) => boolean): EventBuffer<readonly T[], T> {
  // A batch of our own (`owned`) takes small batches in, so many single events cost one slot each.
  let queue: Array<{ items: readonly T[]; next: number; owned?: T[] }> = [];
  let waiting = 0;
  const pick = (items: readonly T[]) => (accepts ? items.filter(accepts) : items);
  return {
    offer(batch) {
      const items = pick(batch);
      if (items.length === 0) return true;
      waiting += items.length;
      if (waiting > capacity) return false;
      const tail = queue.at(-1);
      if (items.length <= SMALL_BATCH && tail?.owned) tail.owned.push(...items);
      else if (items.length <= SMALL_BATCH) {
        const owned = [...items];
        queue.push({ items: owned, next: 0, owned });
      } else queue.push({ items, next: 0 });
      return true;
    },
    take() {
      const head = queue[0];
      if (!head) return undefined;
      const value = head.items[head.next++];
      waiting -= 1;
      if (head.next >= head.items.length) queue.shift();
      return value;
    },
    empty: () => waiting === 0,
    prepend(batch) {
      const items = pick(batch);
      if (items.length === 0) return;
      waiting += items.length;
      queue.unshift({ items, next: 0 });
    },
    clear() {
      queue = [];
      waiting = 0;
    },
  };
}

/**
 * Agent statuses, latest wins per agent, at O(1) per tick for each subscriber whatever the fleet
 * size: one agent keeps its newest status; "changes only" keeps the newest change per agent;
 * every agent walks the newest tick in name order, and a subscriber still in the middle of one
 * tick when the next arrives carries on from the same name in the new one, so each round gives
 * every agent once, with its freshest status.
 */
export function agentStatusBuffer(filter: { agentName?: string; changesOnly: boolean }): EventBuffer<AgentStatusTick, AgentStatusChange> {
  const changed = (c: AgentStatusChange | undefined) => c !== undefined && c.previous_health !== c.agent.health;
  const { agentName, changesOnly } = filter;
  if (agentName !== undefined) {
    const latest = latestBuffer<AgentStatusChange>();
    return {
      offer(tick) {
        const change = tick.byName.get(agentName);
        if (change && (!changesOnly || changed(change))) latest.offer(change);
        return true;
      },
      take: latest.take,
      empty: latest.empty,
      clear: latest.clear,
    };
  }
  if (changesOnly) {
    // A reader that keeps up reads each tick's shared list of changes in place; one that falls
    // behind has its unread changes merged, newest per agent, in the order agents first changed.
    // (Reading a Map from its front while deleting is quadratic in V8, hence the order list.)
    let shared: readonly AgentStatusChange[] = [];
    let sharedAt = 0;
    const pending = new Map<string, AgentStatusChange>();
    let order: string[] = [];
    let head = 0;
    const merge = (changes: Iterable<AgentStatusChange>) => {
      for (const change of changes) {
        if (!pending.has(change.agent.name)) order.push(change.agent.name);
        pending.set(change.agent.name, change);
      }
    };
    return {
      offer(tick) {
        if (tick.changes.length === 0) return true;
        if (pending.size === 0 && sharedAt >= shared.length) {
          shared = tick.changes;
          sharedAt = 0;
          return true;
        }
        merge(shared.slice(sharedAt));
        shared = [];
        sharedAt = 0;
        merge(tick.changes);
        return true;
      },
      take() {
        if (sharedAt < shared.length) return shared[sharedAt++];
        while (head < order.length) {
          const name = order[head++]!;
          const change = pending.get(name);
          if (!change) continue;
          pending.delete(name);
          if (head > 1024 && head * 2 > order.length) {
            order = order.slice(head);
            head = 0;
          }
          return change;
        }
        return undefined;
      },
      empty: () => pending.size === 0 && sharedAt >= shared.length,
      clear() {
        shared = [];
        sharedAt = 0;
        pending.clear();
        order = [];
        head = 0;
      },
    };
  }
  let tick: AgentStatusTick | undefined;
  let index = 0;
  let owed = 0;
  let lastName: string | undefined;
  return {
    offer(next) {
      if (owed === 0 || lastName === undefined) {
        index = 0;
        owed = next.statuses.length;
      } else {
        index = firstAfter(next.statuses, lastName);
        owed = Math.min(owed, next.statuses.length);
      }
      tick = next;
      return true;
    },
    take() {
      if (!tick || owed === 0) return undefined;
      if (index >= tick.statuses.length) index = 0;
      const change = tick.statuses[index++]!;
      owed -= 1;
      lastName = change.agent.name;
      return change;
    },
    empty: () => !tick || owed === 0,
    clear() {
      tick = undefined;
      owed = 0;
    },
  };
}

/** Index of the first status whose agent name sorts after `name` (statuses are sorted by name). */
function firstAfter(statuses: readonly AgentStatusChange[], name: string): number {
  let lo = 0;
  let hi = statuses.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (statuses[mid]!.agent.name <= name) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
