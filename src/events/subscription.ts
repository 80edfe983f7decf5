import { AppError, ErrorCode } from '../errors.js';

/** What a subscriber holds between a publish and its next read; its policy keeps it bounded. */
export interface EventBuffer<P, E> {
  /** Takes a published payload in; false when the subscriber has fallen too far behind. */
  offer(payload: P): boolean;
  /** The next event to deliver, or undefined when there is none. */
  take(): E | undefined;
  /** Puts a payload in front of anything buffered (what existed before subscribing). */
  prepend?(payload: P): void;
  clear(): void;
}

/**
 * One subscriber's stream of events: an async iterator over its own bounded buffer. A publish
 * never blocks or throws; a subscriber too slow for a FIFO policy gets an error on its next read
 * (and may re-read the current state and subscribe again). `return()` ends it at once, even
 * while a read is waiting.
 */
export class Subscription<P, E> implements AsyncIterableIterator<E> {
  private waiter: ((result: IteratorResult<E>) => void) | undefined;
  private failWaiter: ((error: Error) => void) | undefined;
  private closed = false;
  private failure: Error | undefined;

  constructor(
    private readonly buffer: EventBuffer<P, E>,
    private readonly lagMessage: string,
    private readonly onClose: () => void,
  ) {}

  /** Called by the bus on publish. */
  deliver(payload: P): void {
    if (this.closed || this.failure) return;
    if (!this.buffer.offer(payload)) {
      this.buffer.clear();
      this.fail(new AppError(ErrorCode.subscriberTooSlow, this.lagMessage));
      return;
    }
    this.wake();
  }

  /** Puts what existed before subscribing ahead of what was published since. */
  prepend(payload: P): void {
    if (this.closed || !this.buffer.prepend) return;
    this.buffer.prepend(payload);
    this.wake();
  }

  next(): Promise<IteratorResult<E>> {
    if (this.failure) {
      const error = this.failure;
      this.close();
      return Promise.reject(error);
    }
    const value = this.buffer.take();
    if (value !== undefined) return Promise.resolve({ value, done: false });
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiter = resolve;
      this.failWaiter = reject;
    });
  }

  return(): Promise<IteratorResult<E>> {
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error?: unknown): Promise<IteratorResult<E>> {
    this.close();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private wake(): void {
    const waiter = this.waiter;
    if (!waiter) return;
    const value = this.buffer.take();
    if (value === undefined) return;
    this.waiter = this.failWaiter = undefined;
    waiter({ value, done: false });
  }

  private fail(error: Error): void {
    const reject = this.failWaiter;
    if (!reject) {
      this.failure = error;
      return;
    }
    this.waiter = this.failWaiter = undefined;
    this.close();
    reject(error);
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.buffer.clear();
    this.onClose();
    const waiter = this.waiter;
    this.waiter = this.failWaiter = undefined;
    waiter?.({ value: undefined, done: true });
  }
}
