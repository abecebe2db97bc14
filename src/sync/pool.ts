// A bounded work queue: at most `limit` calls of `fn` in flight, items taken in order, stopping
// at the signal. One failing call does not stop the others (fn reports its own failures).

export async function forEachLimit<T>(items: readonly T[], limit: number, signal: AbortSignal, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      signal.throwIfAborted()
      await fn(items[next++]!)
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker))
}

/** Default concurrency: a few operations per core (they mostly wait on the disk), kept well under
 *  the descriptor limit (each copy holds up to three descriptors). */
export function defaultConcurrency(cores: number, fdLimit: number): number {
  return Math.max(1, Math.min(cores * 4, 64, Math.floor((fdLimit - 64) / 4)))
}
