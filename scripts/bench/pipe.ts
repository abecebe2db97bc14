// What `pipe`'s supervision costs beside the plain pipeline, run in turn, median of N rounds:
//  - a short pipeline (start-up, planning, the report), beside `fsh -c` and bash;
//  - a step flooding stderr (every byte passes through fsh to keep the tail; memory stays bounded),
//    beside bash sending the same stderr to the same place.
//   node --import tsx scripts/bench/pipe.ts [--runs N] [--stderr-mb M]
// Each case's output is checked (the last line, or the count of stderr bytes that arrived).
// Throughput of `pipe` itself (1 GiB, with and without --tee) is in scripts/bench/pipeline.ts.
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { median, run, table } from './measure.ts'

const args = process.argv.slice(2)
const opt = (name: string, dflt: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : dflt)
const RUNS = opt('--runs', 5)
const STDERR = opt('--stderr-mb', 256) * 1024 * 1024
const DIR = join(tmpdir(), 'fsh-bench-pipe')
// FSH_BIN: a copy of the build to time, when the tree's own dist/ may be rebuilt meanwhile.
const FSH = `${process.execPath} ${resolve(process.env.FSH_BIN ?? 'bin/fsh.js')}`
const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`

mkdirSync(DIR, { recursive: true })
const flood = join(DIR, 'flood.sh')
// Q: a byte pipe's report never contains, so counting them says whether all the stderr arrived.
writeFileSync(flood, `head -c ${STDERR} /dev/zero | tr '\\0' Q >&2; echo done\n`)
execFileSync(process.execPath, ['scripts/build.mjs', '--if-stale'], { stdio: 'inherit' })

/** `expect`: what the case must print, or its time means nothing. */
interface Case { group: string; name: string; cmd: string; expect: string }
const arrived = `| tr -cd Q | wc -c`
const cases: Case[] = [
  { group: 'short', name: "bash -c 'seq 100 | sort -n | tail -1'", cmd: `bash -c ${q('seq 100 | sort -n | tail -1')}`, expect: '100' },
  { group: 'short', name: "fsh -c 'seq 100 | sort -n | tail -1'", cmd: `${FSH} -c ${q('seq 100 | sort -n | tail -1')}`, expect: '100' },
  { group: 'short', name: 'pipe --step seq.. --step sort.. --step tail..', cmd: `${FSH} -c ${q(`pipe --step 'seq 100' --step 'sort -n' --step 'tail -1'`)} 2>/dev/null`, expect: '100' },
  { group: 'stderr', name: `bash: ${STDERR / 1024 / 1024} MiB stderr to a pipe`, cmd: `bash -c ${q(`sh ${flood} | cat`)} 2>&1 >/dev/null ${arrived}`, expect: String(STDERR) },
  { group: 'stderr', name: `pipe: ${STDERR / 1024 / 1024} MiB stderr to a pipe`, cmd: `${FSH} -c ${q(`pipe --step 'sh ${flood}' --step 'cat'`)} 2>&1 >/dev/null ${arrived}`, expect: String(STDERR) },
  { group: 'stderr', name: 'pipe --capture-stderr 0 (fd-to-fd)', cmd: `${FSH} -c ${q(`pipe --capture-stderr 0 --step 'sh ${flood}' --step 'cat'`)} 2>&1 >/dev/null ${arrived}`, expect: String(STDERR) },
]

const times = new Map<string, number[]>()
const rss = new Map<string, number[]>()
for (let round = 0; round < RUNS; round++) {
  for (const c of cases) {
    const r = await run(c.cmd)
    if (r.stdout.trim() !== c.expect) {
      console.error(`${c.name}: printed ${JSON.stringify(r.stdout.trim().slice(0, 40))}, not ${c.expect}: not every byte arrived`)
      process.exitCode = 1
    }
    times.set(c.name, [...(times.get(c.name) ?? []), r.ms])
    rss.set(c.name, [...(rss.get(c.name) ?? []), r.rssMb])
  }
}

console.log(`median of ${RUNS}; ratio: the group's first (bash) median time over the case's\n`)
const firstOf = new Map<string, number>()
table(['case', 'median ms', 'peak RSS MB', 'speed vs bash'], cases.map(c => {
  const ms = median(times.get(c.name)!)
  if (!firstOf.has(c.group)) firstOf.set(c.group, ms)
  return [c.name, ms.toFixed(1), median(rss.get(c.name)!).toFixed(0), (firstOf.get(c.group)! / ms).toFixed(2)]
}))
