export interface RateLimiter {
  /** Takes one request from the key's bucket; when empty, says how long until there is one again. */
  take(key: string): { ok: true } | { ok: false; retryAfterSeconds: number };
}

/** Token buckets per key: `perSecond` sustained, `burst` at most in a rush. */
export function createRateLimiter(perSecond: number, burst: number, now: () => number = () => performance.now()): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(key) {
      const t = now();
      let bucket = buckets.get(key);
      if (!bucket) {
        if (buckets.size > 50_000) {
          // Forget the keys that have refilled completely: they hold no state worth keeping.
          for (const [k, b] of buckets) if (b.tokens + ((t - b.at) / 1000) * perSecond >= burst) buckets.delete(k);
        }
        bucket = { tokens: burst, at: t };
        buckets.set(key, bucket);
      }
      bucket.tokens = Math.min(burst, bucket.tokens + ((t - bucket.at) / 1000) * perSecond);
      bucket.at = t;
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { ok: true };
      }
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond)) };
    },
  };
}
