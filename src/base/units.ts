// Durations (`250ms`, `2s`, `1h`) and sizes (`10KB`, `64KB`, `1MB`) as users write them.

const DURATION_MS: Record<string, number> = {
  ns: 1e-6, us: 1e-3, ms: 1, s: 1000, sec: 1000, m: 60_000, min: 60_000, h: 3_600_000, hr: 3_600_000, d: 86_400_000, day: 86_400_000, w: 604_800_000, wk: 604_800_000,
}
const SIZE_BYTES: Record<string, number> = {
  b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, tib: 1024 ** 4, k: 1024, m: 1024 ** 2, g: 1024 ** 3,
}

const UNIT_RE = /^(-?\d+(?:\.\d+)?)([a-zA-Z]+)$/

/** Milliseconds for `250ms`, `2s`, `1.5h`, `7d`; a bare number means milliseconds. */
export function parseDuration(text: string): number | undefined {
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text)
  const m = UNIT_RE.exec(text)
  const unit = m && DURATION_MS[m[2]!.toLowerCase()]
  return unit == null || !m ? undefined : Number(m[1]) * unit
}

/** Bytes for `10KB`, `64KiB`, `1MB`; a bare number means bytes. */
export function parseSize(text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text)
  const m = UNIT_RE.exec(text)
  const unit = m && SIZE_BYTES[m[2]!.toLowerCase()]
  return unit == null || !m ? undefined : Math.round(Number(m[1]) * unit)
}

export function isDurationUnit(unit: string): boolean {
  return unit in DURATION_MS
}
export function isSizeUnit(unit: string): boolean {
  return unit.toLowerCase() in SIZE_BYTES && unit !== 'm' // `m` alone is minutes in a duration
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`
  const units = ['KiB', 'MiB', 'GiB', 'TiB']
  let v = n / 1024
  let i = 0
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++ }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)}s`
  const m = Math.floor(ms / 60_000)
  const s = Math.round((ms % 60_000) / 1000)
  return `${m}m${String(s).padStart(2, '0')}s`
}
