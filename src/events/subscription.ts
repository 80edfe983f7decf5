import { AppError, ErrorCode } from '../errors.js';
import type { DeliveryBudget } from './budget.js';

/** What a subscriber holds between a publish and its next read; its policy keeps it bounded. */
export interface EventBuffer<P, E> {
  /** Takes a published payload in; false when the subscriber has fallen too far behind. */
  offer(payload: P): boolean;
  /** The next event to deliver, or undefined when there is none. */
  take(): E | undefined;
  empty(): boolean;
  /** Puts a payload in front of anything buffered (what existed before subscribing). */
  prepend?(payload: P): void;
  clear(): void;
}

const DONE = { value: undefined, done: true } as const;

/**
 * One subscriber's stream of events: an async iterator over its own bounded buffer. A publish
 * never blocks or throws; a subscriber too slow for a FIFO policy gets an error on its next read
 * (and may re-read the current state and subscribe again). Each delivery waits its turn in the
 * server-wide budget. `return()` ends it at once, even while a read is waiting.
 */
export class Subscription<P, E> implements AsyncIterableIterator<E> {
  /** Resolves a read waiting for an event. */
  private wake: (() => void) | undefined;
  /** Resolves a read waiting for its turn in the budget, when the subscription ends. */
  private cancelTurn: (() => void) | undefined;
  private closed = false;
  private failure: Error | undefined;

  constructor(
    private readonly buffer: EventBuffer<P, E>,
    private readonly budget: DeliveryBudget,
    private readonly lagMessage: string,
    private readonly onClose: () => void,
  ) {}

  /** Called by the bus on publish. */
  deliver(payload: P): void {
    if (this.closed || this.failure) return;
    if (!this.buffer.offer(payload)) {
      this.buffer.clear();
      this.failure = new AppError(ErrorCode.subscriberTooSlow, this.lagMessage);
    }
    this.signal();
  }

  /** Puts what existed before subscribing ahead of what was published since. */
  prepend(payload: P): void {
    if (this.closed || !this.buffer.prepend) return;
    this.buffer.prepend(payload);
    this.signal();
  }

  async next(): Promise<IteratorResult<E>> {
    for (;;) {
      if (this.failure) {
        const error = this.failure;
        this.close();
        throw error;
      }
      if (this.closed) return DONE;
      if (this.buffer.empty()) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      const turn = this.budget.acquire();
      if (turn) {
        // Not Promise.race with a promise that lives as long as the subscription: each race
        // would leave a reaction on it until the end (800,000 of them after minutes of a soak).
        await new Promise<void>((resolve) => {
          this.cancelTurn = resolve;
          void turn.then(resolve);
        });
        this.cancelTurn = undefined;
        if (this.closed || this.failure) continue;
      }
      const value = this.buffer.take();
      if (value !== undefined) return { value, done: false };
    }
  }

  async return(): Promise<IteratorResult<E>> {
    this.close();
    return DONE;
  }

  async throw(error?: unknown): Promise<IteratorResult<E>> {
    this.close();
    throw error;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private signal(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.buffer.clear();
    this.onClose();
    this.cancelTurn?.();
    this.signal();
  }
}
