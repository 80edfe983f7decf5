import { toIso } from '../clock.js';
import type { AgentEvent } from '../domain/agent-event.js';
import { SilenceOrigin, withState, type Silence, type SilenceView } from '../domain/silence.js';
import { MINUTE } from '../domain/units.js';
import { parseAgentEvent } from '../inputs/agent-event.js';
import type { Actor, ServiceDeps } from './deps.js';
import type { SilenceService } from './silences.js';

export type AgentEventService = ReturnType<typeof createAgentEventService>;

/** A quiet period is the silence of exactly this agent that a deploy or restart opened. */
const isQuietPeriodOf = (agent: string) => (s: Silence) =>
  (s.origin === SilenceOrigin.deploy || s.origin === SilenceOrigin.restart) &&
  s.matchers.length === 1 &&
  s.matchers[0]!.name === 'agent' &&
  !s.matchers[0]!.isRegex &&
  s.matchers[0]!.isEqual &&
  s.matchers[0]!.value === agent;

/**
 * Deploys and restarts, as operators' tools report them: recorded (a deploy's version joins the
 * versions the analysis blames shifts on), each opening a quiet period for its agent if the
 * registry knows it (notifications.deployQuietMinutes): a silence, or the agent's current one
 * moved later.
 */
export function createAgentEventService({ store, clock, config, logger }: ServiceDeps, silences: SilenceService) {
  const log = logger.child({ module: 'agent-events' });
  const quietMs = config.notifications.deployQuietMinutes * MINUTE;

  // One event at a time per agent, so two deploys at once extend one quiet period instead of opening two.
  const lanes = new Map<string, Promise<unknown>>();
  function inLane<T>(agent: string, work: () => Promise<T>): Promise<T> {
    const run = (lanes.get(agent) ?? Promise.resolve()).catch(() => undefined).then(work);
    lanes.set(agent, run);
    void run.finally(() => lanes.get(agent) === run && lanes.delete(agent)).catch(() => undefined);
    return run;
  }

  async function quietPeriod(agent: string, event: { kind: AgentEvent['kind']; version: string | null; at: number }, actor: Actor): Promise<SilenceView | undefined> {
    const endsAt = event.at + quietMs;
    if (quietMs === 0 || endsAt <= clock.now()) return undefined;
    // Only agents the registry knows get one: made-up names cannot pile up silences.
    if (!(await store.agents.get(agent))) return undefined;
    const what = `${event.kind} of ${agent}${event.version ? ` (version ${event.version})` : ''}`;
    const comment = `quiet for ${config.notifications.deployQuietMinutes} min after the ${what} at ${toIso(event.at)}`;
    const now = toIso(clock.now());
    const open = (await store.silences.current(now)).find(isQuietPeriodOf(agent));
    if (open) {
      if (open.endsAt >= toIso(endsAt)) return withState(open, now);
      const extended = await silences.extend(open.id, toIso(endsAt), actor, comment);
      if (extended) return extended;
    }
    const origin = event.kind === 'deploy' ? SilenceOrigin.deploy : SilenceOrigin.restart;
    const matchers = [{ name: 'agent' as const, value: agent, isRegex: false, isEqual: true }];
    return silences.create({ matchers, startsAt: toIso(Math.min(event.at, clock.now())), endsAt: toIso(endsAt), createdBy: actor.id, comment }, actor, origin);
  }

  return {
    /** Records `body` (validated here) for the agent; answers the event and the quiet period it opened, if any. */
    async record(agent: string, body: unknown, actor: Actor): Promise<{ event: AgentEvent; silence: SilenceView | null }> {
      const input = parseAgentEvent(body, clock.now());
      const silence = await inLane(agent, () => quietPeriod(agent, input, actor));
      const event = await store.agentEvents.record({
        agent_name: agent,
        kind: input.kind,
        version: input.version,
        at: toIso(input.at),
        recorded_at: toIso(clock.now()),
        actor: actor.id,
        silence_id: silence?.id ?? null,
      });
      log.info({ agent, kind: event.kind, version: event.version, at: event.at, actor: actor.id, silence: event.silence_id }, 'agent event recorded');
      return { event, silence: silence ?? null };
    },
    list: (query: { agentName?: string | undefined; hours: number; limit: number }) =>
      store.agentEvents.list({ agentName: query.agentName, sinceIso: toIso(clock.now() - query.hours * 60 * MINUTE), limit: query.limit }),
  };
}
