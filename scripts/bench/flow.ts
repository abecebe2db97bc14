// flow: a workflow of N `true` steps in a chain (each needs the one before) run with
// `flow run --local` on SQLite; the overhead per step is the median time from one step's end to
// the next one's end, minus what `true` itself takes (the reference: the same N `true` commands
// in a bash script). `FSH_BENCH_FLOW_STEPS=40` for a quick run.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { FlowStore } from '../../src/flow/store.ts'
import { median, run, table } from './measure.ts'

const N = Number(process.env.FSH_BENCH_FLOW_STEPS ?? 200)
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const DIR = join(tmpdir(), 'fsh-bench-flow')
rmSync(DIR, { recursive: true, force: true })
mkdirSync(DIR, { recursive: true })

const steps = Array.from({ length: N }, (_, k) => `step s${k}${k ? ` --needs s${k - 1}` : ''} { ^true }`)
writeFileSync(join(DIR, 'chain.fsh'), steps.join('\n') + '\n')
writeFileSync(join(DIR, 'chain.sh'), Array.from({ length: N }, () => 'true').join('\n') + '\n')
// `/bin/true` as a program of its own, as the workflow's steps run it.
writeFileSync(join(DIR, 'chain-ext.sh'), Array.from({ length: N }, () => '/bin/true').join('\n') + '\n')

const env = { FSH_HOME: join(DIR, 'home'), NO_COLOR: '1' }
const bash = await run('bash chain-ext.sh', { cwd: DIR })
const flow = await run(`node ${join(ROOT, 'bin/fsh.js')} -c 'flow run --local chain.fsh' 2>/dev/null`, { cwd: DIR, env })

const store = new FlowStore(join(DIR, 'home/state/flow.db'))
const [r] = store.runs()
const ends = store.steps(r!.id).map(s => s.finishedAt!).sort((a, b) => a - b)
store.close()
const gaps = ends.slice(1).map((t, k) => t - ends[k]!)
const ownMs = bash.ms / N
const perStep = median(gaps) - ownMs

table(['what', 'steps', 'wall', 'CPU', 'per step (median)', 'overhead per step'], [
  ['bash script of /bin/true', String(N), `${Math.round(bash.ms)} ms`, `${Math.round(bash.cpuMs)} ms`, `${ownMs.toFixed(1)} ms`, '-'],
  [`flow run --local (${r!.status})`, String(N), `${Math.round(flow.ms)} ms`, `${Math.round(flow.cpuMs)} ms`, `${median(gaps).toFixed(1)} ms`, `${perStep.toFixed(1)} ms (goal <= 15 ms)`],
])
