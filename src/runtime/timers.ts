// Waits for durations users give (`sleep 25d`, `--timeout 30d`). Node fires a timer longer than
// 2^31-1 ms at once, with a warning, so longer waits are taken in pieces.

const LONGEST_TIMER_MS = 2 ** 31 - 1

/** Calls `fn` once `ms` have passed; the returned function cancels it. */
export function after(ms: number, fn: () => void, opts: { unref?: boolean } = {}): () => void {
  let left = Math.max(0, ms)
  let timer: NodeJS.Timeout
  const arm = () => {
    const step = Math.min(left, LONGEST_TIMER_MS)
    left -= step
    timer = setTimeout(left > 0 ? arm : fn, step)
    if (opts.unref) timer.unref()
  }
  arm()
  return () => clearTimeout(timer)
}

/** Resolves after `ms`; rejects with the signal's reason as soon as it aborts. */
export function waitFor(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) { reject(signal.reason); return }
    const onAbort = () => { cancel(); reject(signal!.reason) }
    const cancel = after(ms, () => { signal?.removeEventListener('abort', onAbort); resolve() })
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
