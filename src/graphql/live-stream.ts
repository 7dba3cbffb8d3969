import { type EventEmitter, on } from 'node:events';

const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A subscription's stream: each `event` of `emitter` (its first argument) becomes what `map` answers for it
 * (nothing when null: the caller may not see it), until the client leaves or the token expires
 * (`expiresAt`), whichever comes first.
 */
export function liveStream<E, T>(emitter: EventEmitter, event: string, expiresAt: Date | null, map: (payload: E) => Promise<T | null>): AsyncIterableIterator<T> {
  const abort = new AbortController();
  const expiry = expiresAt ? setTimeout(() => abort.abort(), Math.min(MAX_TIMER_MS, expiresAt.getTime() - Date.now())) : undefined;
  const events = on(emitter, event, { signal: abort.signal });
  async function* mapped() {
    try {
      for await (const [payload] of events as AsyncIterable<[E]>) {
        const value = await map(payload);
        if (value !== null) yield value;
      }
    } catch (error) {
      if (!abort.signal.aborted) throw error;
    } finally {
      clearTimeout(expiry);
    }
  }
  const stream = mapped();
  return {
    next: () => stream.next(),
    return: () => {
      abort.abort();
      return stream.return(undefined);
    },
    throw: (error: unknown) => stream.throw(error),
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
