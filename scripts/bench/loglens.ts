// loglens summary beside the peers on one generated combined log (with request times):
//   mawk computing only line counts, status classes and top routes (no percentiles),
//   GoAccess when installed (on the first 1M lines at most, --goaccess-lines N to change it: it is
//   slow; its time is extrapolated to the whole log, and the table says so),
//   `fsh -c 'loglens summary FILE --json'` (worker threads on byte ranges), and
//   `cat FILE | fsh -c 'loglens summary --json'` (one stream from a pipe).
// The tools run in turns (one pass runs each once). Prints wall time with its spread, peak RSS and
// the ratios; checks that mawk and loglens agree on the counts. A tool not installed is a MISS.
//
//   node --import tsx scripts/bench/loglens.ts [--lines 10000000] [--runs 3] [--goaccess-lines 1000000]
// The log is generated once per size and kept in $TMPDIR/loglens-bench (about 214 bytes a line).
import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { writeLog } from '../gen-log.ts'
import { median, run as measure, table } from './measure.ts'

const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? Number(process.argv[i + 1]) : def
}
const LINES = arg('lines', 10_000_000)
const RUNS = arg('runs', 3)
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..')
const FSH = `${JSON.stringify(process.execPath)} ${JSON.stringify(path.join(ROOT, 'bin/fsh.js'))}`
// Not named fsh-*: temporary fsh-* entries are fair game for cleanups.
const CACHE = path.join(os.tmpdir(), 'loglens-bench')
const LOG = path.join(CACHE, `combined-${LINES}-s1.log`)

async function ensureLog(): Promise<void> {
  if (fs.existsSync(LOG)) return
  fs.mkdirSync(CACHE, { recursive: true })
  console.error(`generating ${LINES.toLocaleString('en-US')} lines into ${LOG} ...`)
  const tmp = `${LOG}.part`
  const out = fs.createWriteStream(tmp)
  await writeLog(out, { lines: LINES, seed: 1 })
  await new Promise<void>((res, rej) => out.end((err?: Error | null) => (err ? rej(err) : res())))
  fs.renameSync(tmp, LOG)
}

const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0

// Counts, status classes and top 10 routes (method + path without the query), as a careful awk user would.
const AWK = String.raw`{
  n++; s[substr($9, 1, 1)]++
  m = substr($6, 2); p = $7; q = index(p, "?"); if (q) p = substr(p, 1, q - 1)
  r[m " " p]++
}
END {
  print n, s["2"] + 0, s["3"] + 0, s["4"] + 0, s["5"] + 0
  for (i = 0; i < 10; i++) { best = ""; bc = -1; for (k in r) if (r[k] > bc) { bc = r[k]; best = k }; if (best == "") break; print bc, best; delete r[best] }
}`

interface Row { name: string; ms: number; cpuMs: number; rssMb: number; spread: number; lines: number; note?: string | undefined }
interface Run { ms: number; cpuMs: number; rssMb: number; stdout: string }

const run = (cmd: string): Promise<Run> => measure(cmd, { cwd: ROOT })

/** A tool's command; `scale` multiplies its times (GoAccess timed on part of the log). */
interface Case { name: string; cmd: string; lines: number; note?: string; scale?: number; optional?: boolean }

/** Round robin: each pass runs every case once, so load from elsewhere falls on all of them alike. */
async function timeAll(cases: Case[]): Promise<Map<Case, Row & { stdout: string }>> {
  const runs = new Map<Case, Run[]>(cases.map(c => [c, []]))
  const failed = new Set<Case>()
  for (let i = 0; i < RUNS; i++) {
    for (const c of cases) {
      if (failed.has(c)) continue
      try {
        runs.get(c)!.push(await run(c.cmd))
      } catch (err) {
        if (!c.optional) throw err
        console.log(`${c.name}: failed: ${(err as Error).message.split('\n')[0]}`)
        failed.add(c)
      }
    }
    console.error(`pass ${i + 1}/${RUNS} done`)
  }
  const out = new Map<Case, Row & { stdout: string }>()
  for (const [c, rs] of runs) {
    if (failed.has(c)) continue
    const k = c.scale ?? 1
    out.set(c, {
      name: c.name, ms: median(rs.map(r => r.ms)) * k, cpuMs: median(rs.map(r => r.cpuMs)) * k, rssMb: Math.max(...rs.map(r => r.rssMb)),
      spread: Math.max(...rs.map(r => r.ms)) / Math.min(...rs.map(r => r.ms)), lines: c.lines, note: c.note, stdout: rs[0]!.stdout,
    })
  }
  return out
}

await ensureLog()
execFileSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs'), '--if-stale'], { stdio: 'inherit' })
execFileSync('sh', ['-c', `cat ${JSON.stringify(LOG)} > /dev/null`]) // warm the page cache for everyone alike
const bytes = fs.statSync(LOG).size
console.log(`log: ${LINES.toLocaleString('en-US')} lines, ${(bytes / 1e9).toFixed(2)} GB, ${os.availableParallelism()} cores; median of ${RUNS} runs\n`)

const q = JSON.stringify(LOG)
const own: Case = { name: 'fsh loglens summary FILE --json', cmd: `${FSH} -c ${JSON.stringify(`loglens summary ${LOG} --json`)}`, lines: LINES }
// From a pipe: fsh's own stdin, and the same pipe opened by name.
const pipes: Case[] = [['cat FILE | fsh loglens summary --json', 'loglens summary --json'], ['cat FILE | fsh loglens summary /dev/stdin', 'loglens summary /dev/stdin --json']]
  .map(([name, line]) => ({ name: name!, cmd: `cat ${q} | ${FSH} -c '${line}'`, lines: LINES, optional: true }))
const awkCase: Case = { name: 'mawk (counts + top routes only)', cmd: `mawk '${AWK}' ${q}`, lines: LINES }
const cases: Case[] = [own, ...pipes]
const missing: string[] = []
if (has('mawk')) cases.push(awkCase)
else missing.push('mawk')
if (has('goaccess')) {
  // GoAccess takes about 30 s per million lines: timed on at most 1M lines (--goaccess-lines) and
  // extrapolated to the whole log, which the table says.
  const sub = Math.min(LINES, arg('goaccess-lines', 1_000_000))
  const part = sub < LINES ? path.join(CACHE, `combined-${sub}-head.log`) : LOG
  if (!fs.existsSync(part)) execFileSync('sh', ['-c', `head -n ${sub} ${q} > ${JSON.stringify(part)}`])
  const fmt = `--log-format='%h %^[%d:%t %^] "%r" %s %b "%R" "%u" %T' --date-format=%d/%b/%Y --time-format=%T`
  const report = JSON.stringify(path.join(CACHE, 'goaccess.json'))
  const note = sub < LINES ? `extrapolated from ${sub.toLocaleString('en-US')} lines` : undefined
  cases.push({ name: 'goaccess (JSON report)', cmd: `goaccess ${JSON.stringify(part)} ${fmt} -o ${report}`, lines: LINES, note, scale: LINES / sub })
} else missing.push('goaccess')

const timedAll = await timeAll(cases)
const loglens = timedAll.get(own)!
const piped = pipes.map(c => timedAll.get(c)).find(Boolean)
const mawk = timedAll.get(awkCase)
const rows: Row[] = [...timedAll.values()]
const load = fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')
table(['tool', 'wall s', 'max/min', 'cpu s', 'peak RSS MB', 'lines/s', 'wall vs loglens', 'cpu vs loglens', 'note'], [...rows.map(r => [
  r.name, (r.ms / 1000).toFixed(2), r.spread.toFixed(2), (r.cpuMs / 1000).toFixed(2), r.rssMb.toFixed(0), Math.round((r.lines / r.ms) * 1000).toLocaleString('en-US'),
  `${(r.ms / loglens.ms).toFixed(2)}×`, `${(r.cpuMs / loglens.cpuMs).toFixed(2)}×`, r.note ?? '',
]), ...missing.map(t => [t, 'MISS', '', '', '', '', '', '', 'not installed'])])
console.log(`\nload average at the end: ${load} (other work on the machine stretches wall times, not CPU times)`)

// The peers must agree with loglens on what they both count.
if (mawk) {
  const s = JSON.parse(loglens.stdout) as { lines: number; status: Record<string, number>; top_routes: { method: string; path: string; count: number }[] }
  const [head, ...routes] = mawk.stdout.trim().split('\n')
  const [n, s2, s3, s4, s5] = head!.split(' ').map(Number)
  const same = n === s.lines && s2 === s.status['2xx'] && s3 === s.status['3xx'] && s4 === s.status['4xx'] && s5 === s.status['5xx'] &&
    routes.every((line, i) => line === `${s.top_routes[i]!.count} ${s.top_routes[i]!.method} ${s.top_routes[i]!.path}`)
  console.log(`\nmawk and loglens agree on lines, status classes and the top 10 routes: ${same ? 'yes' : 'NO'}`)
  if (!same) { console.log(mawk.stdout); console.log(JSON.stringify(s, null, 1)); process.exitCode = 1 }
}
const goals = [
  [`loglens wall ≤ 4 s per 10M lines`, (loglens.ms / LINES) * 1e7 <= 4000],
  [`loglens ≥ 1.4× faster than mawk`, mawk ? mawk.ms / loglens.ms >= 1.4 : undefined],
  [`peak RSS ≤ 120 MB`, loglens.rssMb <= 120],
  [`cat | loglens ≥ 1M lines/s`, piped ? (LINES / piped.ms) * 1000 >= 1e6 : undefined],
] as const
console.log('\n' + goals.map(([g, ok]) => `${ok === undefined ? '–' : ok ? '✓' : '✗'} ${g}`).join('\n'))
