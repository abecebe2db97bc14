// The supervisor: the daemon's RSS with 10 children beside PM2's daemon (npm pm2, installed into a
// temp dir at run time: MISS when that fails), restart latency from a child's exit to its new pid
// with no backoff, and the rate at which a child's output reaches its log beside `cmd > file`, with
// the CPU each way takes (what stays comparable on a shared machine). `FSH_BENCH_PILOT_MB=20` for a
// quick run; `FSH_BENCH_PILOT_RUNS` (default 5) pairs of writes, `cmd > file` and pilot alternating.
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { connectDaemon, DAEMON_V8_FLAGS, request } from '../../src/pilot/client.ts'
import type { ProgramSpec } from '../../src/pilot/spec.ts'
import { median, run, table } from './measure.ts'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const BIN = join(ROOT, 'bin/fsh.js')
const DIR = join(tmpdir(), 'fsh-bench-pilot')
const MB = Number(process.env.FSH_BENCH_PILOT_MB ?? 100)
const CHILDREN = 10
const RESTARTS = 30
const RUNS = Number(process.env.FSH_BENCH_PILOT_RUNS ?? 5)
mkdirSync(DIR, { recursive: true })

interface Box { home: string; env: Record<string, string>; pilotDir: string }

function box(): Box {
  const home = mkdtempSync(join(DIR, 'home-'))
  return { home, env: { ...(process.env as Record<string, string>), FSH_HOME: home, NO_COLOR: '1' }, pilotDir: join(home, 'state', 'pilot') }
}

function fsh(b: Box, line: string): string {
  return execFileSync(process.execPath, [BIN, '-c', line], { env: b.env, encoding: 'utf8' })
}

async function ask(b: Box, req: Record<string, unknown>): Promise<Record<string, unknown>> {
  const sock = await connectDaemon(b.pilotDir, b.env, false)
  if (!sock) throw new Error('no pilot daemon')
  return request(sock, req)
}

/** Resident memory in MB: all of it, and the private part (RssAnon: without the pages of the node
 *  binary and libraries, which are files and shared). */
function memory(pid: number): { rss: number; anon: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)![1]) / 1024
  return { rss: kb('VmRSS'), anon: kb('RssAnon') }
}

async function until<T>(cond: () => Promise<T | undefined>, ms = 120_000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = await cond()
    if (v !== undefined) return v
    if (Date.now() > end) throw new Error('timed out')
    await new Promise(r => setTimeout(r, 5))
  }
}

async function fshRss(): Promise<{ rss: number; anon: number }> {
  const b = box()
  try {
    for (let i = 0; i < CHILDREN; i++) fsh(b, `pilot start s${i} -- sleep 600 | count`)
    const { pid } = await ask(b, { op: 'ping' })
    await new Promise(r => setTimeout(r, 1000)) // settled, as PM2 gets below
    return memory(pid as number)
  } finally {
    fsh(b, 'pilot kill')
    rmSync(b.home, { recursive: true, force: true })
  }
}

function installPm2(): string | undefined {
  const prefix = join(DIR, 'peers')
  const bin = join(prefix, 'node_modules', '.bin', 'pm2')
  if (!existsSync(bin)) {
    mkdirSync(prefix, { recursive: true })
    spawnSync('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--no-save', 'pm2'], { encoding: 'utf8', timeout: 180_000 })
  }
  return existsSync(bin) ? bin : undefined
}

async function pm2Rss(): Promise<{ rss: number; anon: number } | null> {
  const pm2 = installPm2()
  if (!pm2) return null
  const home = mkdtempSync(join(DIR, 'pm2-'))
  const env = { ...process.env, PM2_HOME: home }
  try {
    for (let i = 0; i < CHILDREN; i++) execFileSync(pm2, ['start', 'sleep', '--name', `s${i}`, '--', '600'], { env, stdio: 'ignore' })
    await new Promise(r => setTimeout(r, 1000))
    return memory(Number(readFileSync(join(home, 'pm2.pid'), 'utf8')))
  } finally {
    spawnSync(pm2, ['kill'], { env, stdio: 'ignore' })
    rmSync(home, { recursive: true, force: true })
  }
}

/** Milliseconds from each exit the daemon saw to the next child's spawn, no backoff. */
async function restartLatency(): Promise<number[]> {
  const b = box()
  try {
    fsh(b, `pilot start flap --backoff 0 --max-restarts ${RESTARTS} --min-uptime 1h -- sh -c 'sleep 0.05; exit 1' | count`)
    await until(async () => ((await ask(b, { op: 'ls' })).rows as { status: string }[])[0]!.status === 'errored' || undefined)
    const events = fsh(b, 'pilot events | to ndjson').trim().split('\n').map(l => JSON.parse(l) as { ts: string; to: string })
    const gaps: number[] = []
    let exitAt: number | undefined
    for (const e of events) {
      if (e.to === 'backoff') exitAt = Date.parse(e.ts)
      if (e.to === 'online' && exitAt !== undefined) { gaps.push(Date.parse(e.ts) - exitAt); exitAt = undefined }
    }
    return gaps
  } finally {
    fsh(b, 'pilot kill')
    rmSync(b.home, { recursive: true, force: true })
  }
}

const WRITER = `yes 0123456789012345678901234567890123456789012345678901234567890123456789 | head -c ${MB * 1_000_000}`

interface Write { ms: number; cpuMs: number; daemonCpuMs?: number }

async function plainWrite(): Promise<Write> {
  const file = join(DIR, 'plain.log')
  const r = await run(`${WRITER} > ${file}`)
  if (statSync(file).size !== MB * 1_000_000) throw new Error('short write')
  rmSync(file)
  return r
}

/** CPU milliseconds a process has used so far, all its threads (clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return (Number(f[11]) + Number(f[12])) * 10
}

/** The writer's CPU as its shell's `times` tells it on stderr: the second line, its children's. */
function childCpuMs(text: string): number {
  const line = text.trim().split('\n').at(-1) ?? ''
  return [...line.matchAll(/(\d+)m([\d.]+)s/g)].reduce((ms, m) => ms + (Number(m[1]) * 60 + Number(m[2])) * 1000, 0)
}

/** One daemon for every write (it is up before a clock starts); each write is a program of its own. */
async function pilotWrite(b: Box, daemon: number, i: number): Promise<Write> {
  const log = join(b.pilotDir, `big${i}.out.log`)
  const errLog = join(b.pilotDir, `big${i}.err.log`)
  const spec: ProgramSpec = {
    name: `big${i}`, command: ['sh', '-c', `${WRITER}; times >&2`], cwd: DIR, env: b.env, restart: 'never', maxRestarts: 0,
    backoff: { initialMs: 0, factor: 1, maxMs: 0 }, minUptimeMs: 0, healthIntervalMs: 5000, killTimeoutMs: 5000,
    maxLogSize: 2e9, maxLogFiles: 1, waitReady: false, timestamps: false, instances: 1,
  }
  const cpu0 = cpuMs(daemon)
  const t0 = performance.now()
  await ask(b, { op: 'start', spec })
  // The file's size first (a stat is cheap), then the daemon's word that the child is done.
  await until(async () => (existsSync(log) && statSync(log).size === MB * 1_000_000 ? true : undefined))
  const ms = performance.now() - t0
  await until(async () => ((await ask(b, { op: 'ls' })).rows as { name: string; status: string }[]).find(r => r.name === spec.name)?.status === 'stopped' || undefined)
  const daemonCpuMs = cpuMs(daemon) - cpu0
  const cpu = daemonCpuMs + childCpuMs(readFileSync(errLog, 'utf8'))
  rmSync(log)
  return { ms, cpuMs: cpu, daemonCpuMs }
}

/** RUNS writes each way, alternating, so that both see the same load. */
async function writes(): Promise<{ plain: Write[]; pilot: Write[] }> {
  const b = box()
  try {
    fsh(b, 'pilot start nap -- sleep 600 | count')
    const { pid } = await ask(b, { op: 'ping' })
    const plain: Write[] = []
    const pilot: Write[] = []
    for (let i = 0; i < RUNS; i++) {
      if (i % 2) plain.push(await plainWrite())
      pilot.push(await pilotWrite(b, pid as number, i))
      if (!(i % 2)) plain.push(await plainWrite())
    }
    return { plain, pilot }
  } finally {
    fsh(b, 'pilot kill')
    rmSync(b.home, { recursive: true, force: true })
  }
}

/** A node process that does nothing, with the daemon's V8 flags: the floor under any Node daemon. */
async function bareNode(): Promise<{ rss: number; anon: number }> {
  const child = spawn(process.execPath, [...DAEMON_V8_FLAGS, '-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' })
  try {
    await new Promise(r => setTimeout(r, 1000))
    return memory(child.pid!)
  } finally {
    child.kill()
  }
}

const load = loadavg()[0]!.toFixed(1)
const fshMem = await fshRss()
const pm2Mem = await pm2Rss()
const bare = await bareNode()
const gaps = await restartLatency()
const { plain, pilot } = await writes()
const mb = (v: number) => v.toFixed(1)
const vsPm2 = (key: 'rss' | 'anon', goal: boolean): string[] => pm2Mem === null
  ? [mb(fshMem[key]), 'MISS (npm pm2)', '-', goal ? '<= 0.5x MISS' : '']
  : [mb(fshMem[key]), `${mb(pm2Mem[key])} (PM2)`, `${(fshMem[key] / pm2Mem[key]).toFixed(2)}x`, goal ? `<= 0.5x ${fshMem[key] / pm2Mem[key] <= 0.5 ? '✓' : '✗'}` : '(no goal)']
// Ratios of each pair (written one after the other), then their median: steadier than a ratio of medians under a changing load.
const pairs = (f: (w: Write) => number) => median(plain.map((p, i) => f(p) / f(pilot[i]!)))
const speed = pairs(w => w.ms)
const rate = (ws: Write[]) => (MB / (median(ws.map(w => w.ms)) / 1000)).toFixed(0)
console.log(`pilot: ${CHILDREN} children of sleep; ${RESTARTS} restarts with no backoff; a child writing ${MB} MB to stdout, ${RUNS} times each way; load ${load}`)
table(['measure', 'fsh pilot', 'peer', 'ratio', 'goal'], [
  ['daemon RSS, 10 children (MB)', ...vsPm2('rss', true)],
  ['  of it private, RssAnon (MB)', ...vsPm2('anon', false)],
  ['  a bare node process, same V8 flags (MB)', `${mb(bare.rss)} (${mb(bare.anon)} private)`, '-', pm2Mem ? `${(bare.rss / pm2Mem.rss).toFixed(2)}x` : '-', '(the floor)'],
  ['restart latency, exit to new pid (ms, median)', median(gaps).toFixed(1), '-', '-', `<= 50 ${median(gaps) <= 50 ? '✓' : '✗'}`],
  ['log throughput (MB/s, median; ratio of pairs)', rate(pilot), `${rate(plain)} (cmd > file)`, `${speed.toFixed(2)}x`, `>= 0.8x ${speed >= 0.8 ? '✓' : '✗'}`],
  ['  CPU of a write, all processes (ms, median)', median(pilot.map(w => w.cpuMs)).toFixed(0), `${median(plain.map(w => w.cpuMs)).toFixed(0)} (cmd > file)`, `${pairs(w => w.cpuMs).toFixed(2)}x`, '(no goal)'],
  ['  of it the daemon (ms, median)', median(pilot.map(w => w.daemonCpuMs!)).toFixed(0), '-', '-', ''],
])
