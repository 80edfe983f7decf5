import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * A dependency loaded the first time it is used, synchronously: for libraries few deployments
 * need (silence regexes, maintenance-window schedules), so start-up does not pay for them.
 */
export function lazyModule<T>(name: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(name) as T);
}
