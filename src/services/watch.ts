/**
 * What the meta agent itself sees failing of the agents it watches (health URLs, processes):
 * the latest failure per agent, cleared by the next success. Health reasons and routing read it.
 */
export interface WatchFailure {
  reason: string;
  since: string;
}

export function createWatchState() {
  const failures = new Map<string, WatchFailure>();
  return {
    failed(agent: string, reason: string, at: string): void {
      const current = failures.get(agent);
      failures.set(agent, { reason, since: current?.reason === reason ? current.since : at });
    },
    ok(agent: string): void {
      failures.delete(agent);
    },
    failure: (agent: string): WatchFailure | undefined => failures.get(agent),
  };
}

export type WatchState = ReturnType<typeof createWatchState>;
