// Which format a file name says: its extension, under an optional .gz.
import type { ReadFormat } from './decode.ts'

const BY_EXTENSION: Record<string, ReadFormat> = {
  json: 'json', ndjson: 'ndjson', jsonl: 'ndjson', csv: 'csv', tsv: 'tsv', txt: 'lines', log: 'lines',
}

export interface NamedFormat {
  /** 'bytes' when the extension names no format fsh reads. */
  format: ReadFormat | 'bytes'
  gzip: boolean
}

export function formatOfName(name: string): NamedFormat {
  const gzip = /\.gz$/i.test(name)
  const base = gzip ? name.slice(0, -3) : name
  const m = /\.([A-Za-z0-9]+)$/.exec(base)
  return { format: (m && BY_EXTENSION[m[1]!.toLowerCase()]) || 'bytes', gzip }
}
