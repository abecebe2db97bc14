// Record pipelines on 1M NDJSON web-log records (seeded), beside jq, mlr and a plain Node script,
// all run in this process, one after another, on the same cached files.
//   node --import tsx scripts/bench/records.ts [--runs N] [--records N] [--sort]
//     --records: fewer records to check that the script works (the goals are stated for 1M)
//     --sort: a 10M-record sort-by too
//   FSH_BIN=path/to/fsh.js runs that build instead of bin/fsh.js
// Every tool must give fsh's answer before a ratio is printed; a tool that is not installed is a
// MISS and its goal is listed as not measured. Prints median wall time, peak RSS and the ratios
// the goals are stated in. Needs `npm run build`.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { generateFile } from '../gen-records.ts'
import { median, run, table } from './measure.ts'

const args = process.argv.slice(2)
const opt = (name: string, dflt: number) => { const k = args.indexOf(name); return k >= 0 ? Number(args[k + 1]) || dflt : dflt }
const RUNS = opt('--runs', 3)
const N = opt('--records', 1_000_000)
const SORT = args.includes('--sort')
const DIR = join(tmpdir(), 'fsh-bench-records')
// FSH_BIN runs another build (a copy that a concurrent rebuild cannot pull from under the run).
const FSH = `${process.execPath} ${process.env.FSH_BIN ?? resolve('bin/fsh.js')}`

mkdirSync(DIR, { recursive: true })
const x = join(DIR, N === 1_000_000 ? 'x.ndjson' : `x-${N}.ndjson`)
const xgz = `${x}.gz`
if (!existsSync(x)) { console.error(`generating ${N} records in ${x}`); await generateFile(x, N, 42) }
if (!existsSync(xgz)) { console.error(`compressing ${xgz}`); await generateFile(xgz, N, 42) }
const plain = join(DIR, 'plain.mjs')
writeFileSync(plain, `import fs from 'node:fs'
import readline from 'node:readline'
const rl = readline.createInterface({ input: fs.createReadStream(process.argv[2]), crlfDelay: Infinity })
let n = 0
for await (const line of rl) { if (!line) continue; if (JSON.parse(line).status >= 500) n++ }
console.log(n)
`)
if (!process.env.FSH_BIN) execFileSync(process.execPath, ['scripts/build.mjs', '--if-stale'], { stdio: 'inherit' })
const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0

/** `tool`: a peer that may be missing; `answer`: turns its output into the count fsh prints. */
interface Case { name: string; cmd: string; tool?: string; answer?: (stdout: string) => string }
const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`
const out = join(DIR, 'out.ndjson')
const lineCount = () => String(readFileSync(out, 'utf8').split('\n').filter(Boolean).length)
const cases: Case[] = [
  { name: 'fsh: open | where status >= 500 | count', cmd: `${FSH} -c ${q(`open ${x} | where status >= 500 | count`)}` },
  { name: "jq -c 'select(.status>=500)' | wc -l", tool: 'jq', cmd: `jq -c 'select(.status>=500)' ${x} | wc -l` },
  { name: "mlr filter '$status >= 500' | wc -l", tool: 'mlr', cmd: `mlr --ijsonl --ojsonl filter '$status >= 500' ${x} | wc -l` },
  { name: 'node readline + JSON.parse', cmd: `${process.execPath} ${plain} ${x}` },
  { name: 'fsh: ... | save out.ndjson', cmd: `${FSH} -c ${q(`open ${x} | where status >= 500 | save ${out}`)}`, answer: lineCount },
  { name: 'fsh: open x.ndjson.gz | where | count', cmd: `${FSH} -c ${q(`open ${xgz} | where status >= 500 | count`)}` },
]

// Round robin: each pass runs every case once, so load from elsewhere on the machine falls on all
// of them alike and the ratios stay fair.
const missing = new Set(cases.filter(c => c.tool && !has(c.tool)).map(c => c.name))
const active = cases.filter(c => !missing.has(c.name))
const samples = new Map(active.map(c => [c.name, { ms: [] as number[], rss: [] as number[], out: new Set<string>() }]))
for (let i = 0; i < RUNS; i++) {
  for (const c of active) {
    const r = await run(c.cmd)
    const s = samples.get(c.name)!
    s.ms.push(r.ms)
    s.rss.push(r.rssMb)
    s.out.add(c.answer ? c.answer(r.stdout) : r.stdout.trim())
  }
  console.error(`pass ${i + 1}/${RUNS} done`)
}
const results = new Map([...samples].map(([name, s]) => [name, {
  ms: median(s.ms), spread: Math.max(...s.ms) / Math.min(...s.ms), rss: Math.max(...s.rss), out: [...s.out].join(' / '),
}]))

// Every tool's answer must be fsh's: a faster wrong answer is no result.
const fsh = results.get(cases[0]!.name)!
const agrees = (name: string) => results.get(name)?.out === fsh.out && !fsh.out.includes(' / ')
table([`${N.toLocaleString('en')} records (median of ${RUNS})`, 'wall s', 'max/min', 'peak RSS MB', 'answer', 'vs fsh'], cases.map(c => {
  const r = results.get(c.name)
  if (!r) return [c.name, 'MISS', '', '', `${c.tool} not installed`, '']
  return [c.name, (r.ms / 1000).toFixed(2), r.spread.toFixed(2), r.rss.toFixed(0), r.out.slice(0, 16), agrees(c.name) ? (r.ms / fsh.ms).toFixed(2) + 'x' : 'WRONG ANSWER']
}))

/** A goal is met, missed, or not measured (its tool missing, or its answer not fsh's). */
const goals: [string, boolean | string][] = [
  ['count <= 1.0 s', N === 1_000_000 ? fsh.ms <= 1000 : `${N} records, not 1M`],
  ['count peak RSS <= 120 MB', N === 1_000_000 ? fsh.rss <= 120 : `${N} records, not 1M`],
]
const check = (c: Case, goal: string, met: (r: { ms: number; rss: number }) => boolean) => {
  const r = results.get(c.name)
  goals.push([goal, !r ? `${c.tool} not installed` : !agrees(c.name) ? `answer ${r.out}, fsh's ${fsh.out}` : met(r)])
}
check(cases[1]!, 'jq / fsh >= 3', r => r.ms / fsh.ms >= 3)
check(cases[2]!, 'mlr / fsh >= 8', r => r.ms / fsh.ms >= 8)
check(cases[3]!, 'node / fsh >= 1.4', r => r.ms / fsh.ms >= 1.4)
check(cases[4]!, 'where | save <= 1.6 s', r => N !== 1_000_000 || r.ms <= 1600)
check(cases[5]!, '.gz within 1.5x of plain', r => r.ms <= fsh.ms * 1.5)

if (SORT) {
  // 10M records, sorted by a numeric key: must finish within 300 MB RSS (spilling to temp files).
  const big = join(DIR, 'x10m.ndjson')
  if (!existsSync(big)) { console.error('generating 10M records'); await generateFile(big, 10_000_000, 7) }
  const r = await run(`${FSH} -c ${q(`open ${big} | sort-by latency_ms | last 1 | select latency_ms`)}`)
  console.log(`\nsort-by latency_ms over 10M records: ${(r.ms / 1000).toFixed(1)} s, peak RSS ${r.rssMb.toFixed(0)} MB`)
  goals.push(['sort-by 10M within 300 MB RSS', r.rssMb <= 300])
}
rmSync(out, { force: true })
console.log('\ngoals:')
for (const [g, ok] of goals) console.log(typeof ok === 'string' ? `  not measured  ${g} (${ok})` : `  ${ok ? 'met ' : 'MISS'}  ${g}`)
