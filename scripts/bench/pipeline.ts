// Pipeline throughput: 1 GiB through `cat BIG | wc -l`, by bash, by fsh's own `|`, and by `pipe`
// (with and without a copy of the bytes between the steps), each run in turn, median of N rounds.
//   node --import tsx scripts/bench/pipeline.ts [--runs N] [--size-mb M]
// Speed is bash's median time for the same work over the case's (1.00 = as fast as bash). Goals: fsh
// and pipe >= 1.0 (the bytes go fd-to-fd between the two programs, as in bash; what is left is
// Node's start-up, printed too); pipe --tee >= 0.7 (the bytes then pass through fsh). Needs a build.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { median, run, table } from './measure.ts'

const args = process.argv.slice(2)
const opt = (name: string, dflt: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : dflt)
const RUNS = opt('--runs', 5)
const SIZE = opt('--size-mb', 1024) * 1024 * 1024
const DIR = join(tmpdir(), 'fsh-bench-pipeline')
const BIG = join(DIR, `big-${SIZE}.log`)
const COPY = join(DIR, 'copy.log')
// FSH_BIN: a copy of the build to time, when the tree's own dist/ may be rebuilt meanwhile.
const FSH = `${process.execPath} ${resolve(process.env.FSH_BIN ?? 'bin/fsh.js')}`
const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`

mkdirSync(DIR, { recursive: true })
if (!existsSync(BIG) || statSync(BIG).size !== SIZE) {
  console.error(`writing ${SIZE} bytes of log lines to ${BIG}`)
  execFileSync('sh', ['-c', `yes '127.0.0.1 - - [26/Dec/2025:13:04:05 +0000] "GET /api/search?q=fsh HTTP/1.1" 200 512 "-" "bench/1.0"' | head -c ${SIZE} > ${BIG}`])
}
execFileSync(process.execPath, ['scripts/build.mjs', '--if-stale'], { stdio: 'inherit' })
execFileSync('sh', ['-c', `cat ${BIG} > /dev/null`]) // into the page cache before the first timing

interface Case { name: string; cmd: string; vs?: string; goal?: number }
const BASH = "bash -c 'cat BIG | wc -l'"
const cases: Case[] = [
  { name: BASH, cmd: `bash -c ${q(`cat ${BIG} | wc -l`)}` },
  { name: "fsh -c 'cat BIG | wc -l'", cmd: `${FSH} -c ${q(`cat ${BIG} | wc -l`)}`, vs: BASH, goal: 1 },
  { name: "pipe --step 'cat BIG' --step 'wc -l'", cmd: `${FSH} -c ${q(`pipe --step 'cat ${BIG}' --step 'wc -l'`)} 2>/dev/null`, vs: BASH, goal: 1 },
  { name: "bash -c 'cat BIG | tee COPY | wc -l'", cmd: `bash -c ${q(`cat ${BIG} | tee ${COPY} | wc -l`)}` },
  { name: 'pipe --tee 1:COPY --step cat.. --step wc..', cmd: `${FSH} -c ${q(`pipe --tee 1:${COPY} --step 'cat ${BIG}' --step 'wc -l'`)} 2>/dev/null`, vs: "bash -c 'cat BIG | tee COPY | wc -l'", goal: 0.7 },
  { name: "bash -c 'cat BIG | tee /dev/null | wc -l'", cmd: `bash -c ${q(`cat ${BIG} | tee /dev/null | wc -l`)}` },
  { name: 'pipe --tee 1:/dev/null --step cat.. --step wc..', cmd: `${FSH} -c ${q(`pipe --tee 1:/dev/null --step 'cat ${BIG}' --step 'wc -l'`)} 2>/dev/null`, vs: "bash -c 'cat BIG | tee /dev/null | wc -l'", goal: 0.7 },
]
const STARTUP = `${FSH} -c '^true'`

const times = new Map<string, number[]>()
const rss = new Map<string, number[]>()
const lines = new Set<string>()
const startup: number[] = []
for (let round = 0; round < RUNS; round++) {
  startup.push((await run(STARTUP)).ms)
  for (const c of cases) {
    const r = await run(c.cmd)
    lines.add(r.stdout.trim())
    times.set(c.name, [...(times.get(c.name) ?? []), r.ms])
    rss.set(c.name, [...(rss.get(c.name) ?? []), r.rssMb])
    rmSync(COPY, { force: true })
  }
}
if (lines.size !== 1) throw new Error(`the cases disagree on the line count: ${[...lines].join(', ')}`)

const med = (name: string) => median(times.get(name)!)
console.log(`${(SIZE / 1024 / 1024).toFixed(0)} MiB, ${[...lines][0]} lines, median of ${RUNS}; speed = bash's time for the same work / the case's time\n`)
table(['case', 'median ms', 'peak RSS MB', 'speed vs bash', 'goal', 'vs cat|wc'], cases.map(c => {
  const ms = med(c.name)
  return [c.name, ms.toFixed(0), median(rss.get(c.name)!).toFixed(0), c.vs ? (med(c.vs) / ms).toFixed(2) : '', c.goal ? `>= ${c.goal.toFixed(2)}` : '', (med(BASH) / ms).toFixed(2)]
}))
console.log(`\nfsh start-up alone (fsh -c '^true'): ${median(startup).toFixed(0)} ms`)
