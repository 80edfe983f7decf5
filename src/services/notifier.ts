import { toIso } from '../clock.js';
import type { Deliverer } from '../coordination/deliverer.js';
import { AgentHealth, ImprovementStatus, Severity } from '../domain/enums.js';
import type { Labels } from '../domain/silence.js';
import { improvementLabels, SEVERITY_OF_PRIORITY } from '../analysis/labels.js';
import { muteReason } from '../notify/mute.js';
import type { SilenceService } from './silences.js';
import type { Improvement } from '../domain/improvement.js';
import { createChannel } from '../notify/channels.js';
import { SEVERITY_RANK, type Notification } from '../notify/notification.js';
import { decideNotification, type Decision, type Verdict } from '../notify/decision.js';
import type { AgentRetirement, AgentStatusChange, AgentStatusTick, ImprovementChange } from '../events/topics.js';
import { yieldToEventLoop } from '../yield.js';
import type { ServiceDeps } from './deps.js';
import { MINUTE } from '../domain/units.js';

const DECISIONS_PER_SLICE = 50;
const DECISION_ATTEMPTS = 5;
const HEALTH_SEVERITY: Partial<Record<AgentHealth, Severity>> = {
  failing: Severity.critical,
  offline: Severity.critical,
  degraded: Severity.warning,
};

export type { Verdict };

const healthKey = (agent: string) => `agent:${agent}:health`;
const improvementLink = (i: Pick<Improvement, 'id'>) => `/api/meta-agent/improvements/${i.id}`;

/** An agent's health notice: `offline` (the same kind as the offline finding) or `health`. */
function healthLabels(agent: string, health: AgentHealth, severity: Severity): Labels {
  return health === AgentHealth.offline
    ? { agent, kind: 'offline', metric: 'availability', severity }
    : { agent, kind: 'health', metric: 'health', severity };
}
export type NotifierService = ReturnType<typeof createNotifierService>;

/**
 * Tells people what matters, once: each problem key is announced when it starts, again only
 * after the cooldown or when it gets more severe, with a "resolved" notice when it clears.
 * A key that keeps changing state is flapping: one notice says so and the rest are held back.
 * Channels are chosen by severity; delivery retries and never blocks the caller.
 * A notice an active silence or an inhibition rule mutes is held, newest per key, and decided
 * again at each health tick and silence change: once nothing mutes it, it goes out as usual.
 */
export function createNotifierService(deps: ServiceDeps, deliverer: Deliverer, silences: Pick<SilenceService, 'active'>) {
  const { store, config, clock, bus, logger } = deps;
  const log = logger.child({ module: 'notifier' });
  const n = config.notifications;
  const channels = n.channels.map((c) => createChannel(c, logger));
  const inFlight = new Set<Promise<unknown>>();
  const unlisten: Array<() => void> = [];
  // Notices waiting for a decision, newest per key: a burst (every agent going offline at once)
  // costs one entry per key, and decisions run in the background in slices that let requests in.
  const queued = new Map<string, Notification>();
  let draining: Promise<void> | undefined;
  // Muted notices, newest per key; and the problems holding now, by key (inhibition's sources).
  const held = new Map<string, Notification>();
  const problems = new Map<string, Labels>();

  function dispatch(notification: Notification): Promise<boolean[]> {
    const targets = channels.filter(
      (c) => notification.state === 'digest' || SEVERITY_RANK[notification.severity] >= SEVERITY_RANK[c.minSeverity],
    );
    return Promise.all(
      targets.map((channel) =>
        deliverer.deliver({ kind: 'notification', target: `channel:${channel.name}`, subject: notification.key, send: () => channel.send(notification) }),
      ),
    );
  }

  /**
   * Updates the key's state and answers what to send, if anything. The state is shared (several
   * replicas may decide on one key at once): it is replaced only if unchanged since it was read,
   * and the loser of a race decides again on the winner's state, so a notice goes out once.
   */
  async function decide(notification: Notification): Promise<Decision> {
    for (let attempt = 0; attempt < DECISION_ATTEMPTS; attempt++) {
      const previous = await store.notificationState.get(notification.key);
      const decision = decideNotification(notification, previous, clock.now(), n);
      if (!decision.next || (await store.notificationState.replace(previous, decision.next))) return decision;
    }
    // Others keep changing this key: one of them has announced it.
    log.warn({ key: notification.key }, 'notification state kept changing under this decision; left to the other writer');
    return { verdict: 'cooldown' };
  }

  /** Holds the notice back when a silence or an inhibition rule mutes it; answers whether it did. */
  async function muted(notification: Notification): Promise<boolean> {
    const reason = muteReason(notification, await silences.active(), n.inhibit, problems);
    if (!reason) {
      held.delete(notification.key);
      return false;
    }
    held.set(notification.key, notification);
    log.debug({ key: notification.key, state: notification.state, ...reason }, 'notification muted');
    return true;
  }

  /** Decides and hands the notice to its channels; resolves once delivered (after retries). */
  async function notify(notification: Notification): Promise<Verdict> {
    trackProblem(notification);
    const { verdict, send } = await decideUnlessMuted(notification);
    if (send) await track(dispatch(send));
    return verdict;
  }

  async function decideUnlessMuted(notification: Notification): Promise<Decision> {
    return (await muted(notification)) ? { verdict: 'muted' } : decide(notification);
  }

  /** Keeps the problems holding now up to date; answers whether one ended (what it inhibited may go out). */
  function trackProblem(notification: Notification): boolean {
    if (!notification.labels) return false;
    if (notification.state === 'problem') problems.set(notification.key, notification.labels);
    else if (notification.state === 'resolved') return problems.delete(notification.key);
    return false;
  }

  /**
   * A suggestion decided (approved, rejected, worked on) is no longer an open problem to announce:
   * it inhibits nothing from now on, and a notice of it held back by a silence is dropped.
   */
  function settleDecided(changes: readonly ImprovementChange[]): void {
    let ended = false;
    for (const { improvement } of changes) {
      if (improvement.status === ImprovementStatus.pending) continue;
      const key = improvement.fingerprint ?? improvement.id;
      if (held.get(key)?.link === improvementLink(improvement)) held.delete(key);
      ended = problems.delete(key) || ended;
    }
    if (ended) retryHeld();
  }

  /** Every agent's health at this tick is a problem holding, or not (so a restart learns the offline agents at once). */
  function trackHealth(tick: AgentStatusTick): void {
    for (const { agent } of tick.statuses) {
      const key = healthKey(agent.name);
      const severity = HEALTH_SEVERITY[agent.health];
      if (severity) problems.set(key, healthLabels(agent.name, agent.health, severity));
      else problems.delete(key);
    }
  }

  const track = <T>(promise: Promise<T>) => {
    inFlight.add(promise);
    void promise.finally(() => inFlight.delete(promise));
    return promise;
  };

  function fromImprovement(change: ImprovementChange): Notification | undefined {
    const i: Improvement = change.improvement;
    const base = {
      key: i.fingerprint ?? i.id,
      agent: i.affected_components[0] ?? null,
      at: change.at,
      link: improvementLink(i),
      labels: improvementLabels(i),
      ...(change.silenced_by ? { silenced_by: change.silenced_by } : {}),
    };
    if (change.kind === 'created' || (change.kind === 'updated' && !i.problem_cleared_at)) {
      return { ...base, state: 'problem', severity: SEVERITY_OF_PRIORITY[i.priority], title: `[${i.priority}] ${i.title}`, text: i.description };
    }
    if (change.kind === 'updated' && i.problem_cleared_at) {
      return { ...base, state: 'resolved', severity: Severity.info, title: `Resolved: ${i.title}`, text: `The problem behind ${i.id} is no longer seen (since ${i.problem_cleared_at}).` };
    }
    return undefined;
  }

  function fromAgent(change: AgentStatusChange): Notification | undefined {
    const { agent, previous_health: before } = change;
    if (before === agent.health) return undefined;
    const severity = HEALTH_SEVERITY[agent.health];
    const base = { key: healthKey(agent.name), agent: agent.name, at: change.at, link: '/api/agents/status', labels: healthLabels(agent.name, agent.health, severity ?? Severity.info) };
    if (severity) return { ...base, state: 'problem', severity, title: `${agent.name} is ${agent.health}`, text: agent.health_reason };
    if (before !== null) {
      // The "back" notice matches what the problem notice matched (an offline agent's silence covers its return).
      const labels = before === AgentHealth.offline ? healthLabels(agent.name, before, Severity.info) : base.labels;
      return { ...base, labels, state: 'resolved', severity: Severity.info, title: `${agent.name} is healthy again`, text: agent.health_reason };
    }
    return undefined;
  }

  function fromRetirement(retired: AgentRetirement): Notification {
    return {
      key: `agent:${retired.name}:retired`,
      state: 'problem',
      severity: Severity.info,
      title: `${retired.name} retired from the registry`,
      text: `No sample or check from ${retired.name} since ${retired.last_seen} (${retired.unseen_days} days); it was removed from the agent registry. Its stored history stays until retention prunes it.`,
      agent: retired.name,
      at: retired.at,
      link: '/api/agents/status',
    };
  }

  function enqueue<T>(events: readonly T[], toNotification: (event: T) => Notification | undefined): void {
    let ended = false;
    for (const event of events) {
      const notification = toNotification(event);
      if (!notification) continue;
      ended = trackProblem(notification) || ended;
      queued.delete(notification.key);
      queued.set(notification.key, notification);
    }
    if (ended) retryHeld();
    startDraining();
  }

  /**
   * One drain at a time. A notice queued after the drain's last look but before it is marked
   * done would wait for the next event: the end of a drain starts another for it.
   */
  function startDraining(): void {
    if (queued.size === 0 || draining) return;
    draining = track(drain()).finally(() => {
      draining = undefined;
      startDraining();
    });
  }

  /** Muted notices are decided again: those nothing mutes any more go out (unless a newer one for the key is queued). */
  function retryHeld(): void {
    const waiting = [...held.values()].filter((notice) => !queued.has(notice.key));
    if (waiting.length > 0) enqueue(waiting, (notice) => notice);
  }

  /** Decisions in order (they update per-key state); deliveries in the background. */
  async function drain(): Promise<void> {
    let handled = 0;
    for (let next = queued.entries().next(); !next.done; next = queued.entries().next()) {
      const [key, notification] = next.value;
      queued.delete(key);
      const decided = await decideUnlessMuted(notification).catch((error: unknown) => {
        log.error({ err: error }, 'notification failed');
        return { verdict: 'unchanged' as Verdict, send: undefined };
      });
      if (decided.send) void track(dispatch(decided.send));
      if (++handled % DECISIONS_PER_SLICE === 0) await yieldToEventLoop();
    }
  }

  return {
    notify,
    /** Starts listening to suggestions and agent health. */
    start() {
      if (unlisten.length > 0) return;
      unlisten.push(
        bus.listen('improvement:changed', (changes) => {
          enqueue(changes, fromImprovement);
          settleDecided(changes);
        }),
        bus.listen('agent:status', (tick) => {
          trackHealth(tick);
          retryHeld();
          enqueue(tick.changes, fromAgent);
        }),
        bus.listen('silence:changed', (changes) => {
          if (changes.some((c) => c.kind !== 'created')) retryHeld();
        }),
        bus.listen('agent:retired', (retired) => enqueue(retired, fromRetirement)),
      );
    },
    /** Sends the daily digest once a day at digest.hourUtc, when enabled. */
    async maybeSendDigest(): Promise<boolean> {
      if (!n.digest.enabled) return false;
      const now = new Date(clock.now());
      if (now.getUTCHours() !== n.digest.hourUtc) return false;
      const today = now.toISOString().slice(0, 10);
      const state = await store.notificationState.get('digest');
      if (state?.state === today) return false;
      // Whoever records today's digest first sends it.
      if (!(await store.notificationState.replace(state, { key: 'digest', state: today, last_sent_at: now.toISOString(), changes: [], flapping: false }))) return false;
      const since = toIso(now.getTime() - 24 * 60 * MINUTE);
      const [counts, pending, events] = await Promise.all([
        store.improvements.countByStatus(),
        store.improvements.list('pending'),
        store.improvements.eventsSince(since, 10_000),
      ]);
      const lines = [
        `Suggestions by status: ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ')}.`,
        `Status changes in the last 24 h: ${events.length}.`,
        ...pending.slice(0, 10).map((i) => `- [${i.priority}] ${i.title} (${i.id})`),
      ];
      await track(dispatch({ key: 'digest', state: 'digest', severity: Severity.info, title: `Daily digest ${today}`, text: lines.join('\n'), agent: null, at: now.toISOString(), link: null }));
      return true;
    },
    /** Resolves when every notification under way has been handed to its channels. */
    async settled(): Promise<void> {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
    async stop() {
      for (const remove of unlisten.splice(0)) remove();
      queued.clear();
      held.clear();
      await draining;
      for (const channel of channels) channel.close();
    },
  };
}
