// The summary for people: a short incident-report block, as `loglens summary` prints it at the
// end of a pipeline (with --json the record is printed as JSON instead).
import pc from 'picocolors'
import { isRecord, type Rec, type Value } from '../../src/prelude.ts'

const LABEL = 17

const int = (n: number): string => Math.round(n).toLocaleString('en-US')

/** Milliseconds as people read them: `18`, `8,910`, `2.5`, `0.3`. */
export function formatMs(ms: number): string {
  if (ms >= 10) return int(ms)
  if (ms === 0) return '0'
  const one = Number(ms.toFixed(1))
  return one === 0 ? Number(ms.toFixed(3)).toString() : one.toString()
}

function pct(part: number, whole: number, digits: number): string {
  if (whole === 0 || part === 0) return '0%'
  const p = (part / whole) * 100
  const min = 10 ** -digits
  return p < min ? `<${min}%` : `${p.toFixed(digits).replace(/\.?0+$/, '')}%`
}

const num = (v: Value | undefined): number => (typeof v === 'number' ? v : 0)

export function renderSummary(value: Value, opts: { color: boolean; columns: number }): string {
  if (!isRecord(value)) return String(value)
  const c = pc.createColors(opts.color)
  const label = (s: string): string => c.bold(s.padEnd(LABEL))
  const lines = num(value.lines)
  const errors = num(value.parse_errors)
  const requests = num(value.requests)
  const out: string[] = []

  const errText = `Parse errors: ${int(errors)} (${pct(errors, lines, 2)})`
  out.push(`${label('Lines processed:')}${int(lines).padEnd(16)}${errors ? c.yellow(errText) : errText}`)
  if (requests !== lines - errors) out.push(`${label('Requests:')}${int(requests)} in the time window`)

  const status = isRecord(value.status) ? value.status : {}
  const total = Object.values(status).reduce<number>((a, v) => a + num(v), 0)
  const classes = ['2xx', '3xx', '4xx', '5xx'].map(k => {
    const t = `${k} ${pct(num(status[k]), total, 1)}`
    return k === '5xx' && num(status[k]) > 0 ? c.red(t) : k === '4xx' && num(status[k]) > 0 ? c.yellow(t) : t
  })
  out.push(`${label('Status codes:')}${classes.join('  ')}`)

  const lat = isRecord(value.latency) ? value.latency : {}
  if (typeof lat.p50 === 'number') {
    const parts = (['p50', 'p95', 'p99', 'max'] as const).map(k => `${k} ${formatMs(num(lat[k]))}`)
    out.push(`${label('Latency (ms):')}${parts.join('  ')}`)
  } else out.push(`${label('Latency (ms):')}${c.dim('no request times in this log')}`)

  const routes = Array.isArray(value.top_routes) ? value.top_routes.filter(isRecord) : []
  if (routes.length) out.push(...renderRoutes(routes, opts.columns, opts.color, label))
  else out.push(`${label('Top routes:')}${c.dim('none')}`)

  const busy = value.busiest_minute
  out.push(`${label('Busiest minute:')}${isRecord(busy) ? `${String(busy.minute)}  ${int(num(busy.count))} req/min` : c.dim('no timestamps')}`)
  return out.join('\n')
}

function renderRoutes(routes: Rec[], columns: number, color: boolean, label: (s: string) => string): string[] {
  const rank = (i: number): string => `${i + 1})`.padEnd(String(routes.length).length + 1)
  const counts = routes.map(r => int(num(r.count)))
  const countW = Math.max(...counts.map(s => s.length))
  const tails = routes.map(r => (typeof r.p95 === 'number' ? `  (p95 ${formatMs(r.p95)}ms)` : ''))
  const names = routes.map(r => `${String(r.method)} ${String(r.path)}`)
  let nameW = Math.max(...names.map(s => s.length))
  // On a terminal, long paths are cut to fit its width (never below 24 characters); elsewhere never.
  const room = color && Number.isFinite(columns) && columns > 0
    ? columns - LABEL - rank(0).length - 1 - 2 - countW - Math.max(...tails.map(t => t.length))
    : Infinity
  if (nameW > room) nameW = Math.min(nameW, Math.max(24, room))
  return routes.map((_, i) => {
    let name = names[i]!
    if (name.length > nameW) name = name.slice(0, nameW - 1) + '…'
    const head = i === 0 ? label('Top routes:') : ' '.repeat(LABEL)
    return `${head}${rank(i)} ${name.padEnd(nameW)}  ${counts[i]!.padStart(countW)}${tails[i]}`
  })
}
