import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { EventBus } from '../events/bus.js';
import type { Store } from '../store/store.js';

/** What every service is built from; created once in createMetaAgent. */
export interface ServiceDeps {
  config: Config;
  store: Store;
  clock: Clock;
  logger: Logger;
  bus: EventBus;
  paths: { dataDir: string; statusFile: string; reportsDir: string; database: string };
}

/** Who is asking: recorded on every decision. Filled from the token once auth is on. */
export interface Actor {
  id: string;
}

export const ANONYMOUS: Actor = { id: 'anonymous' };
