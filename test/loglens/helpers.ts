// Shared by the loglens tests: temp dirs, a shell in them, generated logs and an exact reference.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createShell } from '../../src/index.ts'
import { generateLog, type GenOptions } from '../../scripts/gen-log.ts'

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'fsh-'))
}

export function shellIn(dir: string) {
  return createShell({ cwd: dir, env: { ...(process.env as Record<string, string>), FSH_HOME: path.join(dir, '.fsh-home'), NO_COLOR: '1' } })
}

export function writeLog(file: string, o: GenOptions): string {
  const text = [...generateLog(o)].join('')
  fs.writeFileSync(file, text)
  return text
}

export interface Reference {
  lines: number
  requests: number
  parseErrors: number
  status: Record<string, number>
  routes: Map<string, number[]>
  latencies: number[]
  minutes: Map<string, number>
}

const LINE = /^(\S+) \S+ \S+ \[(\d{2})\/(\w{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-]\d{4})\] "([A-Z]+) ([^ ?"]+)[^"]*" (\d{3}) (\d+|-)(?: "[^"]*" "(?:[^"\\]|\\.)*")?(?: ([\d.]+))?$/

/** The summary computed the slow, obvious way: a regex per line and every value kept. */
export function reference(text: string, keep: (method: string, ms: number) => boolean = () => true): Reference {
  const ref: Reference = { lines: 0, requests: 0, parseErrors: 0, status: { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 }, routes: new Map(), latencies: [], minutes: new Map() }
  for (const line of text.split('\n')) {
    if (!line.trim()) continue
    const m = LINE.exec(line)
    ref.lines++
    if (!m) { ref.parseErrors++; continue }
    const ms = Date.parse(`${m[3]} ${m[2]} ${m[4]} ${m[5]}:${m[6]}:${m[7]} ${m[8]}`)
    if (!keep(m[9]!, ms)) continue
    ref.requests++
    ref.status[`${m[11]![0]}xx`]!++
    const lat = m[13] === undefined ? undefined : Number(m[13]) * 1000
    if (lat !== undefined) ref.latencies.push(lat)
    const key = `${m[9]} ${m[10]}`
    const list = ref.routes.get(key) ?? []
    list.push(lat ?? NaN)
    ref.routes.set(key, list)
    const minute = new Date(Math.floor(ms / 60_000) * 60_000).toISOString().slice(0, 16) + 'Z'
    ref.minutes.set(minute, (ref.minutes.get(minute) ?? 0) + 1)
  }
  return ref
}

export function exactPercentile(values: number[], p: number): number {
  const s = values.slice().sort((a, b) => a - b)
  return s[Math.max(1, Math.ceil((p / 100) * s.length)) - 1]!
}

export function within(got: number, want: number, rel: number): boolean {
  return Math.abs(got - want) <= rel * Math.abs(want) + 1e-9
}
