// Seeded generator of web access logs: nginx/Apache combined (or common) lines with a trailing
// request time in seconds, like `log_format ... $request_time`. Same seed, same bytes.
//
//   node --import tsx scripts/gen-log.ts --lines 1000000 --seed 1 [--gz] [--format combined|common]
//        [--no-time] [--errors 0.001] [--start 2025-12-26T00:00:00Z] [--rate 120] > access.log
//
// Traffic is skewed like real sites: a few hot API routes, a long tail of ID-bearing paths
// (bounded, about 3,000 distinct routes), 2xx ≈ 92%, log-normal latencies per route, a
// daily rhythm in request rate and one burst minute. IPv6 clients, `-` byte counts, escaped
// quotes in user agents and CRLF-free lines are all in the mix.
import { createGzip } from 'node:zlib'
import { pathToFileURL } from 'node:url'
import type { Writable } from 'node:stream'

export interface GenOptions {
  lines: number
  seed: number
  format?: 'combined' | 'common'
  time?: boolean
  /** Fraction of lines that are malformed. */
  errors?: number
  start?: number
  /** Mean requests per second. */
  rate?: number
}

/** sfc32: small, fast, good enough for test data, and the same everywhere. */
export function rng(seed: number): () => number {
  let a = 0x9e3779b9, b = 0x243f6a88, c = 0xb7e15162, d = seed >>> 0
  const next = (): number => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0
    const t = (a + b + d) | 0
    d = (d + 1) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (c << 21) | (c >>> 11)
    c = (c + t) | 0
    return (t >>> 0) / 4294967296
  }
  for (let i = 0; i < 12; i++) next()
  return next
}

interface Route { method: string; path: (r: () => number) => string; weight: number; medianMs: number; query?: (r: () => number) => string }

const WORDS = ['shoes', 'red+dress', 'laptop', 'coffee', 'gift', 'phone+case', 'tent', 'book', 'lamp', 'chair']
const ROUTES: Route[] = [
  { method: 'GET', path: () => '/api/search', weight: 180, medianMs: 45, query: r => `q=${WORDS[Math.floor(r() * WORDS.length)]}&page=${1 + Math.floor(r() * 5)}` },
  { method: 'GET', path: () => '/', weight: 120, medianMs: 8 },
  { method: 'GET', path: () => '/static/app.js', weight: 110, medianMs: 2 },
  { method: 'GET', path: () => '/static/app.css', weight: 100, medianMs: 2 },
  { method: 'GET', path: r => `/api/products/${1 + Math.floor(r() * 1500)}`, weight: 90, medianMs: 25 },
  { method: 'GET', path: () => '/api/cart', weight: 60, medianMs: 20 },
  { method: 'POST', path: () => '/api/cart/items', weight: 30, medianMs: 35 },
  { method: 'GET', path: r => `/api/users/${1 + Math.floor(r() * 1000)}`, weight: 40, medianMs: 18 },
  { method: 'POST', path: () => '/api/login', weight: 15, medianMs: 120 },
  { method: 'POST', path: () => '/api/checkout', weight: 8, medianMs: 240 },
  { method: 'GET', path: r => `/static/img/p${1 + Math.floor(r() * 400)}.jpg`, weight: 70, medianMs: 3 },
  { method: 'GET', path: () => '/favicon.ico', weight: 20, medianMs: 1 },
  { method: 'GET', path: () => '/health', weight: 25, medianMs: 1 },
  { method: 'PUT', path: r => `/api/users/${1 + Math.floor(r() * 1000)}/settings`, weight: 5, medianMs: 60 },
  { method: 'DELETE', path: () => '/api/cart/items', weight: 4, medianMs: 30 },
  { method: 'HEAD', path: () => '/', weight: 3, medianMs: 1 },
  { method: 'GET', path: () => '/robots.txt', weight: 3, medianMs: 1 },
  { method: 'GET', path: () => '/wp-login.php', weight: 2, medianMs: 4 },
]
const TOTAL_WEIGHT = ROUTES.reduce((a, r) => a + r.weight, 0)

const AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
  'Mozilla/5.0 (iPad; CPU OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
  'Mozilla/5.0 (Linux; Android 13; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  'curl/8.5.0',
  'Googlebot/2.1 (+http://www.google.com/bot.html)',
  'python-requests/2.32.3',
  'Mozilla/5.0 (compatible; \\"quoted\\" bot/1.0)',
]
const REFERERS = ['-', '-', 'https://www.google.com/', 'https://shop.example.com/', 'https://shop.example.com/api/search?q=shoes&page=2', 'https://shop.example.com/products/winter-sale', 'https://t.co/abc']
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

const pad2 = (n: number): string => (n < 10 ? '0' + n : '' + n)

function clfTime(sec: number): string {
  const d = new Date(sec * 1000)
  return `${pad2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} +0000`
}

function pickStatus(r: () => number, method: string): number {
  const x = r()
  if (x < 0.924) return method === 'POST' && r() < 0.2 ? 201 : 200
  if (x < 0.929) return 304
  if (x < 0.992) {
    const y = r()
    return y < 0.6 ? 404 : y < 0.8 ? 401 : y < 0.93 ? 400 : 429
  }
  const y = r()
  return y < 0.5 ? 500 : y < 0.75 ? 502 : y < 0.9 ? 503 : 504
}

/** Yields the log in blocks of lines (each block one string ending with a newline). */
export function* generateLog(o: GenOptions): Generator<string> {
  const r = rng(o.seed)
  const combined = (o.format ?? 'combined') === 'combined'
  const withTime = o.time ?? true
  const errors = o.errors ?? 0
  const rate = o.rate ?? 120
  let t = (o.start ?? Date.UTC(2025, 11, 26)) / 1000
  const burstAt = t + Math.floor((o.lines / rate) * 0.55 / 60) * 60 // one busy minute past the middle
  let stamp = ''
  let stampSec = -1
  let block = ''
  for (let i = 0; i < o.lines; i++) {
    // A daily rhythm: twice as busy in the afternoon as at night; ten times busier in the burst.
    const hour = (t / 3600) % 24
    const busy = (1 + 0.5 * Math.sin(((hour - 9) / 24) * 2 * Math.PI)) * (t >= burstAt && t < burstAt + 60 ? 10 : 1)
    t += (-Math.log(1 - r()) / (rate * busy))
    const sec = Math.floor(t)
    if (sec !== stampSec) { stampSec = sec; stamp = clfTime(sec) }
    if (errors > 0 && r() < errors) {
      block += r() < 0.5 ? `garbage line ${i} \u0001\u0002\n` : `10.0.0.${i % 255} - - [${stamp}] "GET /truncated\n`
      continue
    }
    let w = r() * TOTAL_WEIGHT
    let route = ROUTES[0]!
    for (const x of ROUTES) { w -= x.weight; if (w <= 0) { route = x; break } }
    const status = pickStatus(r, route.method)
    const ip = r() < 0.1
      ? `2001:db8:${(Math.floor(r() * 65536)).toString(16)}::${(Math.floor(r() * 65536)).toString(16)}`
      : `${11 + Math.floor(r() * 200)}.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}.${1 + Math.floor(r() * 254)}`
    let target = route.path(r)
    if (route.query && r() < 0.9) target += '?' + route.query(r)
    const bytes = status === 304 || route.method === 'HEAD' ? '-' : String(200 + Math.floor(r() * r() * 60000))
    // Log-normal latency around the route's median; errors take longer.
    const z = Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r())
    let ms = route.medianMs * Math.exp(0.9 * z) * (status >= 500 ? 8 : 1)
    if (ms > 60_000) ms = 60_000
    let line = `${ip} - - [${stamp}] "${route.method} ${target} HTTP/1.1" ${status} ${bytes}`
    if (combined) line += ` "${REFERERS[Math.floor(r() * REFERERS.length)]}" "${AGENTS[Math.floor(r() * AGENTS.length)]}"`
    if (withTime) line += ' ' + (ms / 1000).toFixed(3)
    block += line + '\n'
    if (block.length > 1 << 20) { yield block; block = '' }
  }
  if (block) yield block
}

async function writeAll(out: Writable, blocks: Iterable<string>): Promise<void> {
  for (const b of blocks) if (!out.write(b)) await new Promise(res => out.once('drain', res))
}

/** Writes the log to a stream (gzip-compressed when asked) and waits until it is flushed. */
export async function writeLog(out: Writable, o: GenOptions, gz = false): Promise<void> {
  if (!gz) return writeAll(out, generateLog(o))
  const z = createGzip({ level: 6 })
  z.pipe(out)
  await writeAll(z, generateLog(o))
  await new Promise<void>(res => z.end(res))
}

const USAGE = `usage: node --import tsx scripts/gen-log.ts [--lines N] [--seed S] [--gz] [--format combined|common]
         [--no-time] [--errors FRACTION] [--start ISO] [--rate PER_SEC] > access.log

Writes a seeded web access log to stdout: the same seed gives the same bytes.
  --lines N          lines to write (default 1000)
  --seed S           the random seed (default 1)
  --gz               gzip-compress the output
  --format F         combined (the default) or common
  --no-time          no trailing request time in seconds
  --errors FRACTION  share of malformed lines (default 0)
  --start ISO        time of the first request (default 2025-12-26T00:00:00Z)
  --rate PER_SEC     mean requests per second (default 120)
`
const VALUE_FLAGS = new Set(['--lines', '--seed', '--format', '--errors', '--start', '--rate'])
const SWITCHES = new Set(['--gz', '--no-time'])

function cli(argv: string[]): void {
  if (argv.includes('--help') || argv.includes('-h')) { process.stdout.write(USAGE); return }
  for (let i = 0; i < argv.length; i++) {
    if (VALUE_FLAGS.has(argv[i]!)) { i++; continue }
    if (!SWITCHES.has(argv[i]!)) {
      process.stderr.write(`gen-log: unknown argument '${argv[i]}'\n${USAGE}`)
      process.exit(2)
    }
  }
  const get = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`)
    return i >= 0 ? argv[i + 1] : undefined
  }
  const o: GenOptions = {
    lines: Number(get('lines') ?? 1000),
    seed: Number(get('seed') ?? 1),
    format: (get('format') as 'combined' | 'common' | undefined) ?? 'combined',
    time: !argv.includes('--no-time'),
    errors: Number(get('errors') ?? 0),
    rate: Number(get('rate') ?? 120),
  }
  const start = get('start')
  if (start) o.start = Date.parse(start)
  const bad = !Number.isInteger(o.lines) || o.lines < 0 ? 'lines'
    : !Number.isFinite(o.seed) ? 'seed'
    : !((o.errors ?? 0) >= 0 && (o.errors ?? 0) <= 1) ? 'errors'
    : !((o.rate ?? 1) > 0) ? 'rate'
    : o.format !== 'combined' && o.format !== 'common' ? 'format'
    : start && !Number.isFinite(o.start) ? 'start' : undefined
  if (bad) {
    process.stderr.write(`gen-log: --${bad}: bad value '${get(bad)}'\n${USAGE}`)
    process.exit(2)
  }
  process.stdout.on('error', err => { if ((err as { code?: string }).code === 'EPIPE') process.exit(0); throw err })
  void writeLog(process.stdout, o, argv.includes('--gz'))
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) cli(process.argv.slice(2))
