// Sorted runs on disk, as NDJSON with a small envelope so values come back as they went:
// a datetime at the top level of a record (or as the value itself) returns as a datetime.
import fs from 'node:fs'
import { open } from 'node:fs/promises'
import type { Rec, Value } from '../../src/prelude.ts'
import { textLines } from '../../src/runtime/text-lines.ts'
import { setField } from '../../src/base/fields.ts'

const WRITE_CHUNK = 1 << 20

/** One line: plain JSON for the usual record; ["D", iso], ["L", list], ["R", dateFields, record] otherwise. */
export function encodeSpill(v: Value): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v)
  if (v instanceof Date) return `["D",${JSON.stringify(v.toISOString())}]`
  if (Array.isArray(v)) return `["L",${JSON.stringify(v)}]`
  let dates: string[] | undefined
  for (const k in v) if (v[k] instanceof Date) (dates ??= []).push(k)
  return dates ? `["R",${JSON.stringify(dates)},${JSON.stringify(v)}]` : JSON.stringify(v)
}

export function decodeSpill(line: string): Value {
  const v = JSON.parse(line) as Value
  if (!Array.isArray(v)) return v
  if (v[0] === 'D') return new Date(v[1] as string)
  if (v[0] === 'L') return v[1]!
  const r = v[2] as Rec
  for (const k of v[1] as string[]) setField(r, k, new Date(r[k] as string))
  return r
}

/** Lines already encoded with encodeSpill. */
export async function writeLines(path: string, lines: string[]): Promise<void> {
  const fh = await open(path, 'wx', 0o600)
  try {
    let buf = ''
    for (const l of lines) {
      buf += l + '\n'
      if (buf.length >= WRITE_CHUNK) { await fh.write(buf); buf = '' }
    }
    if (buf) await fh.write(buf)
  } finally {
    await fh.close()
  }
}

export async function writeRunBatches(path: string, batches: AsyncIterable<Value[]>): Promise<void> {
  const fh = await open(path, 'wx', 0o600)
  try {
    let buf = ''
    for await (const b of batches) {
      for (const v of b) buf += encodeSpill(v) + '\n'
      if (buf.length >= WRITE_CHUNK) { await fh.write(buf); buf = '' }
    }
    if (buf) await fh.write(buf)
  } finally {
    await fh.close()
  }
}

/** Reads a run back a batch at a time: one cursor per run during the merge. */
export async function* readRun(path: string): AsyncGenerator<Value[]> {
  const stream = fs.createReadStream(path, { highWaterMark: 64 * 1024 })
  try {
    for await (const { lines } of textLines(stream, { keepCR: true })) {
      const out: Value[] = new Array(lines.length)
      let n = 0
      for (const l of lines) if (l) out[n++] = decodeSpill(l)
      out.length = n
      yield out
    }
  } finally {
    stream.destroy()
  }
}
