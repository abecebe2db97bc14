// --since / --until: an ISO date-time, or a duration meaning that long before now (`1h`, `30m`, `7d`).
// The window is half-open, [since, until), in epoch milliseconds.
import { parseDuration } from '../../src/prelude.ts'

export interface TimeWindow {
  since: number
  until: number
  active: boolean
}

export const NO_WINDOW: TimeWindow = { since: -Infinity, until: Infinity, active: false }

/** Epoch ms of a --since/--until value, or a message saying what was expected. */
export function parseTimeBound(text: string, now: number): number | string {
  const t = text.trim()
  if (t === 'now') return now
  if (/^\d+(\.\d+)?[a-zA-Z]+$/.test(t)) {
    const d = parseDuration(t)
    if (d !== undefined) return now - d
  }
  if (/^\d{4}-\d{2}-\d{2}/.test(t)) {
    const ms = Date.parse(t)
    if (Number.isFinite(ms)) return ms
  }
  return `expects an ISO date-time (2025-12-26T13:00:00Z) or a duration ago (1h, 30m, 7d), got '${text}'`
}

export function timeWindow(since: string | undefined, until: string | undefined, now: number): TimeWindow | string {
  const s = since === undefined ? -Infinity : parseTimeBound(since, now)
  if (typeof s === 'string') return `--since ${s}`
  const u = until === undefined ? Infinity : parseTimeBound(until, now)
  if (typeof u === 'string') return `--until ${u}`
  return { since: s, until: u, active: since !== undefined || until !== undefined }
}
