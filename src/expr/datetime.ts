// ISO-8601 text as users write it in filters and as records carry it. A time without a zone is UTC:
// fsh prints datetimes in UTC, so reading them back the same way keeps comparisons honest.

const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/

/** A Date for `2025-12-26`, `2025-12-26T13:04`, `2025-12-26T13:04:05.123+02:00`; undefined otherwise. */
export function parseIsoUtc(text: string): Date | undefined {
  const m = ISO_RE.exec(text)
  if (!m) return undefined
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone = 'Z'] = m
  const z = zone === 'Z' ? 'Z' : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`
  const ms = frac ? frac.slice(0, 4).padEnd(4, '0') : '.000'
  const t = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}${ms}${z}`)
  return Number.isNaN(t) ? undefined : new Date(t)
}

/** True when text starts like an ISO date: cheap test before the real parse. */
export function looksLikeIso(text: string): boolean {
  return text.length >= 10 && text.charCodeAt(4) === 45 && text.charCodeAt(7) === 45 && ISO_RE.test(text)
}
