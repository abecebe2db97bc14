// Retry delays: exponential with full jitter (a random wait between 0 and base·2^(attempt-1),
// capped), so workers that failed together do not retry together.

export const MAX_BACKOFF_MS = 60 * 60 * 1000

export function backoffDelay(baseMs: number, attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_BACKOFF_MS, baseMs * 2 ** Math.min(attempt - 1, 40))
  return Math.floor(random() * ceiling)
}
