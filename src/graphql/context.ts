import type { Principal } from '../auth/roles.js';
import type { Actor } from '../services/deps.js';
import type { Services } from '../services/services.js';

/** What every resolver gets: the services (the only way to the core) and who is asking. */
export interface GraphQLContext {
  services: Services;
  /** Who is asking (anonymous admin in protected mode). */
  principal: Principal | undefined;
  actor: Actor;
  /** The row cap of list queries (limits.maxRowsPerQuery). */
  maxRows: number;
}
