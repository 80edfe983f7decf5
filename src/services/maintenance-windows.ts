import { randomUUID } from 'node:crypto';
import { toIso } from '../clock.js';
import { currentOccurrence, nextStart, occurrenceId, type MaintenanceWindow } from '../domain/maintenance-window.js';
import type { SilenceEvent } from '../domain/silence.js';
import { conflict, notFound, quoted } from '../errors.js';
import { parseMaintenanceWindow } from '../inputs/maintenance-window.js';
import type { Actor, ServiceDeps } from './deps.js';
import type { SilenceService } from './silences.js';

export const MAX_WINDOWS = 1000;

/** A window as shown: with its next start and the occurrence going on now, if any. */
export type MaintenanceWindowView = MaintenanceWindow & { next_start: string; active: { silence_id: string; until: string } | null };

export type MaintenanceWindowService = ReturnType<typeof createMaintenanceWindowService>;

/**
 * Recurring maintenance windows: stored, listed, edited and deleted like silences (audited the
 * same way); each occurrence acts as a silence and is listed as one while it goes on.
 */
export function createMaintenanceWindowService({ store, clock, logger }: ServiceDeps, silences: Pick<SilenceService, 'invalidate'>) {
  const log = logger.child({ module: 'maintenance-windows' });

  const view = (w: MaintenanceWindow): MaintenanceWindowView => {
    const now = clock.now();
    const occurrence = currentOccurrence(w, now);
    return {
      ...w,
      next_start: toIso(nextStart(w, now)),
      active: occurrence ? { silence_id: occurrenceId(w.id, occurrence.start), until: toIso(occurrence.end) } : null,
    };
  };
  const audit = (id: string, action: SilenceEvent['action'], actor: Actor, reason: string | null): SilenceEvent => ({ silence_id: id, action, at: toIso(clock.now()), actor: actor.id, reason });

  async function get(id: string): Promise<MaintenanceWindow> {
    const window = await store.maintenanceWindows.get(id);
    if (!window) throw notFound(`Maintenance window ${quoted(id)} not found`);
    return window;
  }

  return {
    async create(body: unknown, actor: Actor): Promise<MaintenanceWindowView> {
      const draft = parseMaintenanceWindow(body, actor.id, clock.now());
      if ((await store.maintenanceWindows.list()).length >= MAX_WINDOWS) throw conflict(`There are ${MAX_WINDOWS} maintenance windows, the most there may be; delete some first`);
      const at = toIso(clock.now());
      const window: MaintenanceWindow = { id: randomUUID(), ...draft, createdAt: at, updatedAt: at };
      await store.maintenanceWindows.create(window, audit(window.id, 'created', actor, draft.comment));
      silences.invalidate();
      log.info({ id: window.id, name: window.name, actor: actor.id }, 'maintenance window created');
      return view(window);
    },
    /** Replaces every field but its id, author and creation time. */
    async update(id: string, body: unknown, actor: Actor): Promise<MaintenanceWindowView> {
      const before = await get(id);
      const draft = parseMaintenanceWindow(body, before.createdBy, clock.now());
      const updated = await store.maintenanceWindows.update({ ...before, ...draft, createdBy: before.createdBy, updatedAt: toIso(clock.now()) }, audit(id, 'updated', actor, draft.comment));
      if (!updated) throw notFound(`Maintenance window ${quoted(id)} not found`);
      silences.invalidate();
      log.info({ id, actor: actor.id }, 'maintenance window updated');
      return view(updated);
    },
    async delete(id: string, actor: Actor, reason: string | null): Promise<MaintenanceWindowView> {
      const window = await get(id);
      if (!(await store.maintenanceWindows.delete(id, audit(id, 'deleted', actor, reason)))) throw notFound(`Maintenance window ${quoted(id)} not found`);
      silences.invalidate();
      log.info({ id, actor: actor.id, reason }, 'maintenance window deleted');
      return view(window);
    },
    get: async (id: string) => view(await get(id)),
    list: async () => (await store.maintenanceWindows.list()).map(view),
    history: (id: string) => store.silences.events(id),
  };
}
