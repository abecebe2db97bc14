// Seeded NDJSON web-log records for benchmarks and big-input tests: the same seed gives the same bytes.
// Usage: node --import tsx scripts/gen-records.ts [--count N] [--seed S] [--out FILE(.gz)]
import fs from 'node:fs'
import { once } from 'node:events'
import { createGzip } from 'node:zlib'
import type { Writable } from 'node:stream'

/** mulberry32: small, fast and good enough for synthetic data. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const METHODS = ['GET', 'GET', 'GET', 'GET', 'GET', 'POST', 'POST', 'PUT', 'DELETE', 'HEAD']
const ROUTES = ['/api/users', '/api/orders', '/api/items', '/login', '/static/app.js', '/static/app.css', '/health', '/api/search', '/cart', '/checkout']
const UAS = [
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15',
  'curl/8.5.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148',
  'python-requests/2.31.0',
]
const REFERERS = ['-', 'https://example.com/', 'https://www.google.com/', 'https://example.com/cart']

/** One record's NDJSON line. Status: ~90% 2xx/3xx, ~7% 4xx, ~3% 5xx. */
export function makeRecord(rand: () => number, i: number, startMs: number): string {
  const r = rand()
  const status = r < 0.8 ? 200 : r < 0.86 ? 304 : r < 0.9 ? 201 : r < 0.95 ? 404 : r < 0.97 ? 401 : r < 0.985 ? 500 : r < 0.995 ? 503 : 502
  const route = ROUTES[Math.floor(rand() * ROUTES.length)]!
  const path = route.startsWith('/api/') && rand() < 0.6 ? `${route}/${Math.floor(rand() * 10000)}` : route
  const rec = {
    ts: new Date(startMs + i * 37).toISOString(),
    ip: `10.${Math.floor(rand() * 256)}.${Math.floor(rand() * 256)}.${Math.floor(rand() * 256)}`,
    method: METHODS[Math.floor(rand() * METHODS.length)],
    path,
    status,
    bytes: Math.floor(rand() * 50000),
    latency_ms: Math.round(-Math.log(1 - rand()) * 40 * 100) / 100,
    ua: UAS[Math.floor(rand() * UAS.length)],
    referer: REFERERS[Math.floor(rand() * REFERERS.length)],
  }
  return JSON.stringify(rec)
}

export async function generate(out: Writable, count: number, seed = 42): Promise<void> {
  const rand = seededRandom(seed)
  const start = Date.UTC(2025, 11, 26, 0, 0, 0)
  let buf = ''
  for (let i = 0; i < count; i++) {
    buf += makeRecord(rand, i, start) + '\n'
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain')
      buf = ''
    }
  }
  if (buf) out.write(buf)
  out.end()
  await once(out, 'finish')
}

/** Writes `count` records to `file` (gzip-compressed when it ends in .gz). */
export async function generateFile(file: string, count: number, seed = 42): Promise<void> {
  const sink = fs.createWriteStream(file)
  if (file.endsWith('.gz')) {
    const gz = createGzip({ level: 6 })
    gz.pipe(sink)
    await generate(gz, count, seed)
    await once(sink, 'close')
  } else {
    await generate(sink, count, seed)
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2)
  const opt = (name: string): string | undefined => {
    const i = args.indexOf(name)
    return i === -1 ? undefined : args[i + 1]
  }
  const count = Number(opt('--count') ?? 1_000_000)
  const seed = Number(opt('--seed') ?? 42)
  const file = opt('--out')
  if (file) await generateFile(file, count, seed)
  else await generate(process.stdout, count, seed)
}
