// Startup: `fsh -c 'echo hi'` beside `node -e "console.log('hi')"`, the floor any Node tool pays.
// Both start the same way (same environment: a preset NODE_EXTRA_CA_CERTS costs every Node start
// the same). Runs them in turns and prints medians with the middle half of the runs and the ratio.
// Goal: ratio <= 1.3. `--against DIR` also runs another tree's build (e.g. a checkout of main) in
// the same turns.
//   node --import tsx scripts/bench/startup.ts [--against DIR]    (RUNS=N, default 20)
import { spawnSync } from 'node:child_process'
import { resolve } from 'node:path'
import { median, table } from './measure.ts'

const N = Number(process.env.RUNS ?? 20)
const k = process.argv.indexOf('--against')
const other = k >= 0 ? process.argv[k + 1] : undefined

function time(cmd: string, args: string[]): number {
  const t0 = process.hrtime.bigint()
  const r = spawnSync(cmd, args, { encoding: 'utf8' })
  if (r.status !== 0 || r.stdout !== 'hi\n') throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`)
  return Number(process.hrtime.bigint() - t0) / 1e6
}

const runs: [string, string[], number[]][] = [
  ["node -e \"console.log('hi')\"", ['-e', "console.log('hi')"], []],
  ["fsh -c 'echo hi'", [resolve('bin/fsh.js'), '-c', 'echo hi'], []],
]
if (other) runs.push([`fsh -c 'echo hi' (${other})`, [resolve(other, 'bin/fsh.js'), '-c', 'echo hi'], []])
for (let i = 0; i < N; i++) for (const [, args, ms] of runs) ms.push(time(process.execPath, args))

/** The value below which a fraction q of the runs fall. */
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.round(q * (xs.length - 1))]!
const node = median(runs[0]![2])
table(['startup', 'median ms', 'p25–p75 ms', 'ratio to node'], runs.map(([name, , ms]) => [
  name, median(ms).toFixed(1), `${quantile(ms, 0.25).toFixed(1)}–${quantile(ms, 0.75).toFixed(1)}`, (median(ms) / node).toFixed(2),
]))
