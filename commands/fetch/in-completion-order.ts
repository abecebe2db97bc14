// Up to N tasks at a time over a stream of inputs, results in the order they finish. Inputs are
// read only as slots free up, so a long input stays bounded in memory.

export async function* inCompletionOrder<T, R>(inputs: AsyncIterable<T>, limit: number, task: (input: T) => Promise<R>): AsyncGenerator<R> {
  const it = inputs[Symbol.asyncIterator]()
  const running = new Map<number, Promise<{ key: number; result: R }>>()
  let next = 0
  let ended = false
  try {
    for (;;) {
      while (!ended && running.size < limit) {
        const r = await it.next()
        if (r.done) { ended = true; break }
        const key = next++
        running.set(key, task(r.value).then(result => ({ key, result })))
      }
      if (!running.size) return
      const { key, result } = await Promise.race(running.values())
      running.delete(key)
      yield result
    }
  } finally {
    if (!ended) await it.return?.()
    // Tasks still running end with the run's signal; their results are not wanted.
    for (const p of running.values()) p.catch(() => {})
  }
}
