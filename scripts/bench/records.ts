// Record pipelines on 1M NDJSON web-log records (seeded), beside jq, mlr and a plain Node script,
// all run in this process, one after another, on the same cached files.
//   node --import tsx scripts/bench/records.ts [--runs N] [--sort]      (--sort: 10M-record sort-by too)
//   FSH_BIN=path/to/fsh.js runs that build instead of bin/fsh.js
// Prints median wall time, peak RSS and the ratios the goals are stated in. Needs `npm run build`.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { generateFile } from '../gen-records.ts'
import { median, run, table } from './measure.ts'

const args = process.argv.slice(2)
const RUNS = Number(args[args.indexOf('--runs') + 1] || 3) || 3
const SORT = args.includes('--sort')
const DIR = join(tmpdir(), 'fsh-bench-records')
// FSH_BIN runs another build (a copy that a concurrent rebuild cannot pull from under the run).
const FSH = `${process.execPath} ${process.env.FSH_BIN ?? resolve('bin/fsh.js')}`
const N = 1_000_000

mkdirSync(DIR, { recursive: true })
const x = join(DIR, 'x.ndjson')
const xgz = join(DIR, 'x.ndjson.gz')
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

interface Case { name: string; cmd: string; expect?: string }
const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`
const out = join(DIR, 'out.ndjson')
const cases: Case[] = [
  { name: 'fsh: open | where status >= 500 | count', cmd: `${FSH} -c ${q(`open ${x} | where status >= 500 | count`)}` },
  { name: "jq -c 'select(.status>=500)' | wc -l", cmd: `jq -c 'select(.status>=500)' ${x} | wc -l` },
  { name: "mlr filter '$status >= 500' | wc -l", cmd: `mlr --ijsonl --ojsonl filter '$status >= 500' ${x} | wc -l` },
  { name: 'node readline + JSON.parse', cmd: `${process.execPath} ${plain} ${x}` },
  { name: 'fsh: ... | save out.ndjson', cmd: `${FSH} -c ${q(`open ${x} | where status >= 500 | save ${out}`)}` },
  { name: 'fsh: open x.ndjson.gz | where | count', cmd: `${FSH} -c ${q(`open ${xgz} | where status >= 500 | count`)}` },
]

// Round robin: each pass runs every case once, so load from elsewhere on the machine falls on all
// of them alike and the ratios stay fair.
const active = cases.filter(c => {
  const tool = c.name.startsWith('jq') ? 'jq' : c.name.startsWith('mlr') ? 'mlr' : undefined
  if (tool && !has(tool)) { console.error(`${tool} not installed: skipped`); return false }
  return true
})
const samples = new Map(active.map(c => [c.name, { ms: [] as number[], rss: [] as number[], out: '' }]))
for (let i = 0; i < RUNS; i++) {
  for (const c of active) {
    const r = await run(c.cmd)
    const s = samples.get(c.name)!
    s.ms.push(r.ms)
    s.rss.push(r.rssMb)
    s.out = r.stdout.trim()
  }
  console.error(`pass ${i + 1}/${RUNS} done`)
}
const results = new Map([...samples].map(([name, s]) => [name, { ms: median(s.ms), rss: Math.max(...s.rss), out: s.out }]))

const fsh = results.get(cases[0]!.name)!
table(['1M records (median of ' + RUNS + ')', 'wall s', 'peak RSS MB', 'output', 'vs fsh'], [...results].map(([name, r]) => [
  name, (r.ms / 1000).toFixed(2), r.rss.toFixed(0), r.out.slice(0, 12), (r.ms / fsh.ms).toFixed(2) + 'x',
]))

const goals: [string, boolean][] = [
  ['count <= 1.0 s', fsh.ms <= 1000],
  ['count peak RSS <= 120 MB', fsh.rss <= 120],
]
const ratio = (name: string, want: number) => {
  const r = results.get(name)
  if (r) goals.push([`${name.split(' ')[0]} / fsh >= ${want}`, r.ms / fsh.ms >= want])
}
ratio(cases[1]!.name, 3)
ratio(cases[2]!.name, 8)
ratio(cases[3]!.name, 1.4)
const save = results.get(cases[4]!.name)
if (save) goals.push(['where | save <= 1.6 s', save.ms <= 1600])
const gz = results.get(cases[5]!.name)
if (gz) goals.push(['.gz within 1.5x of plain', gz.ms <= fsh.ms * 1.5])

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
for (const [g, ok] of goals) console.log(`  ${ok ? 'met ' : 'MISS'}  ${g}`)
