import { randomUUID } from 'node:crypto';
import { toIso } from '../clock.js';
import { SilenceOrigin, SilenceState, silenceState, withState, type Silence, type SilenceDraft, type SilenceEvent, type SilenceView } from '../domain/silence.js';
import { conflict, notFound, quoted } from '../errors.js';
import type { Actor, ServiceDeps } from './deps.js';
import { parseSilenceDraft } from '../inputs/silence.js';
import { currentOccurrence, occurrenceSilence, parseOccurrenceId, startsAt, type MaintenanceWindow } from '../domain/maintenance-window.js';

/** At most this many silences active or pending at once (made by people and tools; quiet periods are one per agent). */
export const MAX_CURRENT_SILENCES = 1000;
/** How long a read of the current silences is reused: another replica's new silence applies within this. */
const CACHE_MS = 2000;
const ENDED_LISTED = 1000;

export type SilenceService = ReturnType<typeof createSilenceService>;

/**
 * Silences: created, listed, expired, and asked "what is active now" by the analysis and the
 * notifier. Every change is audited (who, when, why) and published on `silence:changed`.
 */
export function createSilenceService({ store, clock, bus, logger }: ServiceDeps) {
  const log = logger.child({ module: 'silences' });
  let cached: { readAt: number; silences: Silence[]; occurrences: Silence[] } | undefined;

  /**
   * Silences not ended (active and pending) and the maintenance windows' occurrences going on,
   * from a read at most CACHE_MS old: the schedules are worked out once per read, not per question.
   */
  async function current(): Promise<{ silences: Silence[]; occurrences: Silence[] }> {
    const now = clock.now();
    if (!cached || now - cached.readAt >= CACHE_MS || now < cached.readAt) {
      const [silences, windows] = await Promise.all([store.silences.current(toIso(now)), store.maintenanceWindows.list()]);
      cached = { readAt: now, silences, occurrences: occurrencesAt(windows, now) };
    }
    return cached;
  }

  /** The maintenance windows' occurrences going on at `at`, as silences. */
  const occurrencesAt = (windows: readonly MaintenanceWindow[], at: number): Silence[] =>
    windows.flatMap((w) => {
      const occurrence = currentOccurrence(w, at);
      return occurrence ? [occurrenceSilence(w, occurrence)] : [];
    });

  /** A window's occurrence by its id (`<window>:<start seconds>`), if that window does start then. */
  async function occurrence(id: string): Promise<Silence | undefined> {
    const parsed = parseOccurrenceId(id);
    const window = parsed && (await store.maintenanceWindows.get(parsed.windowId));
    if (!parsed || !window || !startsAt(window, parsed.start)) return undefined;
    return occurrenceSilence(window, { start: parsed.start, end: parsed.start + window.durationMinutes * 60_000 });
  }

  function changed(kind: 'created' | 'expired' | 'extended', silence: Silence, actor: Actor, at: string): SilenceView {
    cached = undefined;
    const view = withState(silence, at);
    bus.publish('silence:changed', [{ kind, at, actor: actor.id, silence: view }]);
    return view;
  }

  async function get(id: string): Promise<Silence> {
    const silence = (await store.silences.get(id)) ?? (await occurrence(id));
    if (!silence) throw notFound(`Silence ${quoted(id)} not found`);
    return silence;
  }

  const audit = (silence_id: string, action: SilenceEvent['action'], at: string, actor: Actor, reason: string | null): SilenceEvent => ({ silence_id, action, at, actor: actor.id, reason });

  async function create(draft: SilenceDraft, actor: Actor, origin: SilenceOrigin = SilenceOrigin.manual): Promise<SilenceView> {
    const at = toIso(clock.now());
    if (origin === SilenceOrigin.manual) {
      const open = (await store.silences.current(at)).filter((s) => s.origin === SilenceOrigin.manual).length;
      if (open >= MAX_CURRENT_SILENCES) {
        throw conflict(`${open} silences are active or pending, the most there may be (${MAX_CURRENT_SILENCES}); expire some first`);
      }
    }
    const silence: Silence = { id: randomUUID(), ...draft, origin, updatedAt: at };
    await store.silences.create(silence, audit(silence.id, 'created', at, actor, draft.comment));
    log.info({ id: silence.id, actor: actor.id, origin, matchers: silence.matchers, starts_at: silence.startsAt, ends_at: silence.endsAt }, 'silence created');
    return changed('created', silence, actor, at);
  }

  return {
    /** Silences active at `at` (default now). */
    async active(at = clock.now()): Promise<Silence[]> {
      const iso = toIso(at);
      const { silences, occurrences } = await current();
      return [...silences, ...occurrences].filter((s) => silenceState(s, iso) === SilenceState.active);
    },

    /** A maintenance window changed: the next read sees it. */
    invalidate(): void {
      cached = undefined;
    },

    /** A silence as a person or tool sent it (the REST body, the GraphQL input): validated here, with this clock. */
    createFromInput(body: unknown, actor: Actor): Promise<SilenceView> {
      return create(parseSilenceDraft(body, clock.now(), actor.id), actor);
    },

    create,

    /** Newest end last for current ones; ended ones, the latest 1000, after them. */
    async list(state?: SilenceState): Promise<SilenceView[]> {
      const now = clock.now();
      const at = toIso(now);
      const rows = state === SilenceState.expired ? [] : await store.silences.current(at);
      const windows = state === undefined || state === SilenceState.active ? occurrencesAt(await store.maintenanceWindows.list(), now) : [];
      const ended = state === undefined || state === SilenceState.expired ? await store.silences.ended(at, ENDED_LISTED) : [];
      return [...rows, ...windows, ...ended].map((s) => withState(s, at)).filter((s) => state === undefined || s.status.state === state);
    },

    async get(id: string): Promise<SilenceView> {
      return withState(await get(id), toIso(clock.now()));
    },

    history: (id: string) => get(id).then(() => store.silences.events(id)),

    /** Ends it now (a pending one never starts); the record stays. A 409 when it has already ended. */
    async expire(id: string, actor: Actor, reason: string | null): Promise<SilenceView> {
      const silence = await get(id);
      if (silence.origin === SilenceOrigin.window) {
        throw conflict(`Silence ${quoted(id)} is an occurrence of a maintenance window: edit or delete the window (/api/meta-agent/maintenance-windows)`);
      }
      const at = toIso(clock.now());
      const times = { startsAt: silence.startsAt < at ? silence.startsAt : at, endsAt: at };
      const expired = await store.silences.reschedule(id, times, audit(id, 'expired', at, actor, reason));
      if (!expired) throw conflict(`Silence ${quoted(id)} already ended at ${silence.endsAt}`);
      log.info({ id, actor: actor.id, reason }, 'silence expired');
      return changed('expired', expired, actor, at);
    },

    /** Moves a current silence's end to `endsAt` (a later deploy of the same agent); undefined once it has ended. */
    async extend(id: string, endsAt: string, actor: Actor, reason: string): Promise<SilenceView | undefined> {
      const silence = await get(id);
      const at = toIso(clock.now());
      const extended = await store.silences.reschedule(id, { startsAt: silence.startsAt, endsAt }, audit(id, 'extended', at, actor, reason));
      return extended && changed('extended', extended, actor, at);
    },
  };
}
