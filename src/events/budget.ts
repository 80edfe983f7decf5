/**
 * How many events per second the server delivers to all subscribers together: a token bucket
 * whose waiters are served in arrival order, so subscribers share it fairly. Without it, a few
 * dashboards watching every agent of a large fleet would spend the whole CPU writing frames;
 * with it, latest-wins streams deliver fresher values less often and FIFO streams queue.
 */
export interface DeliveryBudget {
  /** Undefined when a delivery may go at once; else a promise that resolves when its turn comes. */
  acquire(): Promise<void> | undefined;
  stop(): void;
}

const GRANT_EVERY_MS = 10;

export function createDeliveryBudget(perSecond: number, now: () => number = () => performance.now()): DeliveryBudget {
  const burst = Math.max(1, perSecond / 10);
  let tokens = burst;
  let last = now();
  const waiters: Array<() => void> = [];
  let timer: NodeJS.Timeout | undefined;

  const refill = () => {
    const t = now();
    tokens = Math.min(burst, tokens + ((t - last) * perSecond) / 1000);
    last = t;
  };
  const grant = () => {
    refill();
    while (tokens >= 1 && waiters.length > 0) {
      tokens -= 1;
      waiters.shift()!();
    }
    if (waiters.length === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };

  return {
    acquire() {
      if (waiters.length === 0) {
        refill();
        if (tokens >= 1) {
          tokens -= 1;
          return undefined;
        }
      }
      return new Promise<void>((resolve) => {
        waiters.push(resolve);
        if (!timer) {
          timer = setInterval(grant, GRANT_EVERY_MS);
          timer.unref();
        }
      });
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      for (const resolve of waiters.splice(0)) resolve();
    },
  };
}
