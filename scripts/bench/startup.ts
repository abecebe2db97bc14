// Startup: `fsh -c 'echo hi'` beside `node -e "console.log('hi')"`, the floor any Node tool pays.
// Prints medians of N runs and the ratio. Goal: ratio <= 1.3.
import { spawnSync } from 'node:child_process'
import { resolve } from 'node:path'
import { median, table } from './measure.ts'

const N = Number(process.env.RUNS ?? 20)
const BIN = resolve('bin/fsh.js')

function time(cmd: string, args: string[]): number {
  const t0 = process.hrtime.bigint()
  const r = spawnSync(cmd, args, { encoding: 'utf8' })
  if (r.status !== 0 || r.stdout !== 'hi\n') throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`)
  return Number(process.hrtime.bigint() - t0) / 1e6
}

const node: number[] = []
const fsh: number[] = []
for (let i = 0; i < N; i++) {
  node.push(time(process.execPath, ['-e', "console.log('hi')"]))
  fsh.push(time(process.execPath, [BIN, '-c', 'echo hi']))
}
const n = median(node)
const f = median(fsh)
table(['startup', 'median ms'], [
  ["node -e \"console.log('hi')\"", n.toFixed(1)],
  ["fsh -c 'echo hi'", f.toFixed(1)],
  ['ratio fsh / node', (f / n).toFixed(2)],
])
