/** The values of `source` that `keep` accepts; ending it ends the source at once. */
export function filterStream<T>(source: AsyncIterator<T>, keep: (value: T) => boolean): AsyncIterableIterator<T> {
  return streamOf(source, async () => {
    for (;;) {
      const result = await source.next();
      if (result.done || keep(result.value)) return result;
    }
  });
}

/** Each value of `source` through `map`, one at a time; ending it ends the source at once. */
export function mapStream<T, U>(source: AsyncIterator<T>, map: (value: T) => U | Promise<U>): AsyncIterableIterator<U> {
  return streamOf<U>(source, async (): Promise<IteratorResult<U>> => {
    const result = await source.next();
    if (result.done) return { value: undefined, done: true };
    return { value: await map(result.value), done: false };
  });
}

function streamOf<T>(source: AsyncIterator<unknown>, next: () => Promise<IteratorResult<T>>): AsyncIterableIterator<T> {
  return {
    next,
    async return() {
      await source.return?.();
      return { value: undefined, done: true };
    },
    async throw(error?: unknown) {
      await source.return?.();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
