/** Lets timers and I/O run before going on: a long loop on the main thread calls it every so many items. */
export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
