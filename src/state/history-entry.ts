// One history entry as stored: a line of NDJSON.

export interface HistoryEntry { cmd: string; ts: number; cwd?: string; exit?: number }

export function storedEntry(e: HistoryEntry): HistoryEntry {
  const out: HistoryEntry = { cmd: e.cmd, ts: e.ts }
  if (e.cwd !== undefined) out.cwd = e.cwd
  if (e.exit !== undefined) out.exit = e.exit
  return out
}

/** A stored line as an entry, or undefined for a line a crash cut or someone mangled. */
export function parseEntry(line: string): HistoryEntry | undefined {
  if (!line) return undefined
  let o: unknown
  try {
    o = JSON.parse(line)
  } catch {
    return undefined
  }
  if (typeof o !== 'object' || o === null) return undefined
  const r = o as Record<string, unknown>
  if (typeof r.cmd !== 'string' || typeof r.ts !== 'number' || !Number.isFinite(r.ts)) return undefined
  const e: HistoryEntry = { cmd: r.cmd, ts: r.ts }
  if (typeof r.cwd === 'string') e.cwd = r.cwd
  if (typeof r.exit === 'number' && Number.isInteger(r.exit)) e.exit = r.exit
  return e
}
