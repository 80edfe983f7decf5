/**
 * How the checkpoint thread and the sample writer share the work of starting the WAL over.
 *
 * Only a WAL copied to its end is started again from its beginning, and under a steady load the
 * writer adds frames while any pass runs, so the checkpoint thread alone never gets there: the
 * WAL would grow by the gigabyte. So once the WAL is long, the thread runs passes back to back
 * until one has little left to copy, then asks the writer to copy the rest between two groups of
 * writes, when nothing is being added. The writer's share is a few milliseconds of frames, and
 * while it is asked the thread runs no pass of its own (two checkpoints cannot run at once).
 *
 * The flag is one Int32 in shared memory: IDLE, REQUESTED by the thread, RUNNING in the writer.
 */
export const CatchUp = { IDLE: 0, REQUESTED: 1, RUNNING: 2 } as const;

/** The writer, between two groups: runs `checkpoint` if the thread asked for it. */
export function catchUpIfAsked(flag: Int32Array, checkpoint: () => void): void {
  if (Atomics.compareExchange(flag, 0, CatchUp.REQUESTED, CatchUp.RUNNING) !== CatchUp.REQUESTED) return;
  try {
    checkpoint();
  } finally {
    Atomics.store(flag, 0, CatchUp.IDLE);
  }
}
