/** One 32-bit integer in memory shared between threads, read and written with Atomics. */
export const sharedCell = () => new Int32Array(new SharedArrayBuffer(4));
