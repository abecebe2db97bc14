// flow: a workflow of N `true` steps in a chain (each needs the one before) run with
// `flow run --local` on SQLite (and on PostgreSQL, run by a `queue work`); the overhead per step is the median time from one step's end to
// the next one's end, minus what `true` itself takes (the reference: the same N `true` commands
// in a bash script). `FSH_BENCH_FLOW_STEPS=40` for a quick run.
import { spawn } from 'node:child_process'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { openFlowStore } from '../../src/flow/open.ts'
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

/** The median time from one step's end to the next one's, of the run in `db`; its status. */
async function chainGaps(db: string): Promise<{ median: number; status: string }> {
  const store = await openFlowStore(db, DIR)
  try {
    const [r] = await store.runs()
    const ends = (await store.steps(r!.id)).map(s => s.finishedAt!).sort((a, b) => a - b)
    return { median: median(ends.slice(1).map((t, k) => t - ends[k]!)), status: r!.status }
  } finally {
    await store.close()
  }
}

const ownMs = bash.ms / N
const local = await chainGaps(join(DIR, 'home/state/flow.db'))
const rows = [
  ['bash script of /bin/true', String(N), `${Math.round(bash.ms)} ms`, `${Math.round(bash.cpuMs)} ms`, `${ownMs.toFixed(1)} ms`, '-'],
  [`flow run --local (${local.status})`, String(N), `${Math.round(flow.ms)} ms`, `${Math.round(flow.cpuMs)} ms`, `${local.median.toFixed(1)} ms`, `${(local.median - ownMs).toFixed(1)} ms (goal <= 15 ms)`],
]

// The same chain with the run on PostgreSQL (a throwaway local server, fsync off), its steps run
// by one `queue work` process on that database. `FSH_BENCH_FLOW_PG=0` skips it.
const { postgresBinDir, startPostgres } = await import('../../test/queue/postgres-server.ts')
if (process.env.FSH_BENCH_FLOW_PG === '0') {
  // skipped
} else if (!postgresBinDir()) {
  rows.push(['flow run --db postgres:// + queue work', String(N), 'MISS (no PostgreSQL binaries)', '', '', ''])
} else {
  const server = await startPostgres()
  try {
    const url = await server.createDatabase()
    const fsh = `node ${join(ROOT, 'bin/fsh.js')}`
    const id = (await run(`${fsh} -c "flow run --db '${url}' chain.fsh"`, { cwd: DIR, env })).stdout.trim()
    const worker = spawn(process.execPath, [join(ROOT, 'bin/fsh.js'), '-c', `queue work --db '${url}' --concurrency 4`], { cwd: DIR, env: { ...process.env, ...env }, stdio: 'ignore' })
    const pg = await run(`${fsh} -c "flow tail --db '${url}' ${id}" >/dev/null`, { cwd: DIR, env })
    const gone = new Promise(resolve => worker.once('exit', resolve))
    worker.kill('SIGTERM')
    await gone
    const gaps = await chainGaps(url)
    rows.push([`flow run --db postgres:// + queue work (${gaps.status})`, String(N), `${Math.round(pg.ms)} ms`, '', `${gaps.median.toFixed(1)} ms`, `${(gaps.median - ownMs).toFixed(1)} ms`])
  } finally {
    server.remove()
  }
}
table(['what', 'steps', 'wall', 'CPU', 'per step (median)', 'overhead per step'], rows)

// 1 GiB of output from one step (`yes` lines) while `serve --flows` streams the step's log to a
// reader: the peak resident size of the worker (flow run --local), of the step's process and of
// the server, and whether the log kept is the output's tail, byte for byte, within the cap.
// `FSH_BENCH_FLOW_BIG_MB=64` for a quick run; 0 skips it.
const BIG_MB = Number(process.env.FSH_BENCH_FLOW_BIG_MB ?? 1024)
if (BIG_MB > 0) {
  const { spawn } = await import('node:child_process')
  const { readFileSync } = await import('node:fs')
  const { LOG_CAP_BYTES, logParts } = await import('../../src/flow/logs.ts')
  const { logPath } = await import('../../src/flow/paths.ts')
  const LINE = '0123456789abcdef\n'
  const total = BIG_MB * 1024 * 1024
  writeFileSync(join(DIR, 'big.fsh'), `step big { ^sh -c 'yes ${LINE.trim()} | head -c ${total}' }\n`)
  const fsh = (line: string) => spawn(process.execPath, [join(ROOT, 'bin/fsh.js'), '-c', line], { cwd: DIR, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  const peak = new Map<string, number>()
  const sample = (what: string, pid: number | null | undefined) => {
    if (!pid) return
    try {
      const kb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1])
      peak.set(what, Math.max(peak.get(what) ?? 0, kb / 1024))
    } catch { /* gone */ }
  }
  const server = fsh('serve --flows --port 0')
  const url = await new Promise<string>(resolve => { let err = ''; server.stderr.on('data', d => { err += d; const m = /listening on (\S+)/.exec(err); if (m) resolve(m[1]!) }) })
  const started = Date.now()
  const worker = fsh('flow run --local big.fsh')
  const done = new Promise(resolve => worker.on('exit', resolve))
  const db = join(DIR, 'home/state/flow.db')
  const bigStore = await openFlowStore(db, DIR)
  let runId = ''
  let read = 0
  for (let finished = false; !finished;) {
    finished = await Promise.race([done.then(() => true), new Promise<boolean>(r => setTimeout(() => r(false), 200))])
    runId ||= (await bigStore.runs()).find(r => r.file === 'big.fsh')?.id ?? ''
    sample('worker (flow run --local)', worker.pid)
    sample('server (serve --flows)', server.pid)
    if (runId) sample("step's process", (await bigStore.step(runId, 'big'))?.pid)
    // A reader of the log's tail meanwhile, as the page does.
    if (runId && !finished) { const res = await fetch(`${url}/runs/${runId}/steps/big/log`, { headers: { range: 'bytes=-1048576' } }); read += (await res.arrayBuffer()).byteLength }
  }
  const wall = Date.now() - started
  // And the whole log, streamed.
  const whole = await fetch(`${url}/runs/${runId}/steps/big/log`)
  for await (const chunk of whole.body!) read += chunk.byteLength
  sample('server (serve --flows)', server.pid)
  const status = (await bigStore.run(runId))!.status
  await bigStore.close()
  server.kill('SIGTERM')
  // The log kept must be the output's last bytes: the line pattern, from where that tail starts.
  const parts = logParts(logPath(bigStore.files, runId, 'big'))
  const kept = parts.map(p => readFileSync(p)).reduce((a, b) => Buffer.concat([a, b]))
  const from = (total - kept.length) % LINE.length
  const expected = Buffer.from(LINE.repeat(Math.ceil((kept.length + from) / LINE.length) + 1)).subarray(from, from + kept.length)
  const tailOk = kept.equals(expected)
  table([`${BIG_MB} MiB from one step`, 'value'], [
    ['run', `${status} in ${(wall / 1000).toFixed(1)} s (${(BIG_MB / (wall / 1000)).toFixed(0)} MB/s)`],
    ...[...peak].map(([what, mb]) => [`peak RSS ${what}`, `${mb.toFixed(0)} MB (goal <= 150 MB)`]),
    ['log kept', `${(kept.length / 1048576).toFixed(1)} MiB in ${parts.length} part(s) (cap ${LOG_CAP_BYTES / 1048576} MiB): ${tailOk ? "the output's tail, byte for byte" : 'NOT the output tail'}`],
    ['read over HTTP meanwhile', `${(read / 1048576).toFixed(0)} MiB`],
  ])
}
