// sync beside rsync -a (and cp -a for the first copy) on one generated tree: 10,000 files, about
// 1 GB, four levels deep. Each pass runs every tool on every step, in turns, so load from elsewhere
// falls on all alike:
//   initial      DST empty           fsh sync | rsync -a --delete | cp -a
//   no-op        nothing changed     fsh sync | rsync -a --delete
//   checksum     nothing changed     fsh sync --checksum | rsync -a --delete --checksum
//   changed      100 files rewritten fsh sync | rsync -a --delete
//   watch        fsh sync --watch on a small tree: a file saved in SRC to its new content in DST,
//                20 saves a quarter of a second apart (no peer: rsync has no watch)
// Before a ratio is printed, every DST is compared with SRC (names, types, sizes, modes, mtimes to
// the millisecond, link targets, and the contents of the changed files): a ratio of wrong results
// would mean nothing.
//
//   node --import tsx scripts/bench/sync.ts [--files 10000] [--mb 1000] [--runs 3] [--steps no-op,checksum]
// --steps times only the steps named (initial, no-op, checksum, changed, watch); without initial, each
// DST is brought up to date untimed and kept between passes.
// The tree is generated once per size into $TMPDIR/sync-bench (not fsh-*: those are fair game for cleanups).
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { median, run as measure, table } from './measure.ts'

const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? Number(process.argv[i + 1]) : def
}
const FILES = arg('files', 10_000)
const MB = arg('mb', 1000)
const RUNS = arg('runs', 3)
const CHANGED = Math.min(100, FILES)
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..')
const FSH = `${JSON.stringify(process.execPath)} ${JSON.stringify(path.join(ROOT, 'bin/fsh.js'))}`
const WORK = path.join(os.tmpdir(), 'sync-bench')
const SRC = path.join(WORK, `src-${FILES}-${MB}`)
/** Written once the tree is whole. */
const DONE = `${SRC}.complete`
const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0

/** Files spread over a fan-out of 10 per level, four levels deep; sizes vary around the mean. */
function generate(): void {
  if (fs.existsSync(DONE)) return
  fs.rmSync(SRC, { recursive: true, force: true })
  console.error(`generating ${FILES} files, ${MB} MB into ${SRC} ...`)
  const pool = randomBytes(4 << 20)
  const mean = (MB * 1e6) / FILES
  for (let i = 0; i < FILES; i++) {
    const dir = path.join(SRC, `d${i % 10}`, `e${Math.floor(i / 10) % 10}`, `f${Math.floor(i / 100) % 10}`)
    fs.mkdirSync(dir, { recursive: true })
    const size = Math.min(pool.length, Math.round(mean * (0.2 + 1.6 * ((i * 7919) % 1000) / 1000)))
    const start = (i * 4099) % (pool.length - size + 1)
    fs.writeFileSync(path.join(dir, `file-${i}.dat`), pool.subarray(start, start + size))
  }
  fs.symlinkSync('d0', path.join(SRC, 'link-to-d0'))
  fs.writeFileSync(DONE, '')
}

/** Rewrites CHANGED files in place: same sizes, new content and mtime (what an edit looks like). */
function change(pass: number): string[] {
  const changed: string[] = []
  for (let k = 0; k < CHANGED; k++) {
    const i = Math.floor((k * FILES) / CHANGED)
    const p = path.join(SRC, `d${i % 10}`, `e${Math.floor(i / 10) % 10}`, `f${Math.floor(i / 100) % 10}`, `file-${i}.dat`)
    const body = fs.readFileSync(p)
    body.write(`pass ${pass} `, 0)
    fs.writeFileSync(p, body)
    // Whole seconds apart from the pass before: rsync's quick check compares mtimes to the second,
    // and skips a rewritten file whose new mtime falls in the old one's second (leaving it stale).
    fs.utimesSync(p, new Date(), new Date(Date.UTC(2025, 0, 1) + 10_000 * pass + 123))
    changed.push(path.relative(SRC, p))
  }
  return changed
}

/** Every entry as one line: what a correct mirror must have the same of. */
function listing(root: string): string {
  const lines: string[] = []
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = path.join(dir, e.name)
      const st = fs.lstatSync(path.join(root, rel))
      const target = st.isSymbolicLink() ? fs.readlinkSync(path.join(root, rel)) : ''
      lines.push(`${rel} ${st.isDirectory() ? 'd' : st.isSymbolicLink() ? 'l' : 'f'} ${st.isDirectory() ? '' : st.size} ${(st.mode & 0o7777).toString(8)} ${st.isSymbolicLink() ? '' : Math.floor(st.mtimeMs)} ${target}`)
      if (e.isDirectory()) walk(rel)
    }
  }
  walk('')
  return lines.sort().join('\n')
}

function sameTree(dst: string, changed: string[]): string | undefined {
  const a = listing(SRC)
  const b = listing(dst)
  if (a !== b) {
    const bl = new Set(b.split('\n'))
    return `differs from SRC, e.g. ${a.split('\n').find(l => !bl.has(l)) ?? '(an extra entry)'}`
  }
  for (const rel of changed) if (!fs.readFileSync(path.join(SRC, rel)).equals(fs.readFileSync(path.join(dst, rel)))) return `${rel}: content differs`
  return undefined
}

interface Tool { name: string; dst: string; sync: (extra?: string) => string; initialOnly?: boolean }
const dstOf = (name: string) => path.join(WORK, `dst-${name}`)
// An old DST is moved aside and deleted after the last pass, not before a timed copy: on ext4
// without a journal (this machine's disk), a new inode is never one freed in the last minute (six
// while its inode table block is unwritten), and finding a free one past 30,000 just freed cost
// the first tool after the delete 2-3x its time (kernel time in recently_deleted and the
// directory lock waiting on it). A mass delete elsewhere on the disk still weighs on a run.
const TRASH = path.join(WORK, 'trash')
let discarded = 0
function discard(dir: string): void {
  if (!fs.existsSync(dir)) return
  fs.mkdirSync(TRASH, { recursive: true })
  fs.renameSync(dir, path.join(TRASH, `${process.pid}-${discarded++}`))
}
const q = JSON.stringify
const tools: Tool[] = [
  { name: 'fsh sync', dst: dstOf('fsh'), sync: (x = '') => `${FSH} -c ${q(`sync ${SRC} ${dstOf('fsh')} ${x} --json`)} > /dev/null` },
]
// This machine's Node reads a CA bundle at every start (NODE_EXTRA_CA_CERTS), some 45 ms that no
// code of fsh's can save: fsh is also timed without it, and so is Node's own start.
const CA = process.env.NODE_EXTRA_CA_CERTS ? 'NODE_EXTRA_CA_CERTS' : undefined
if (CA) tools.push({ name: `fsh sync, no ${CA}`, dst: dstOf('fsh-noca'), sync: (x = '') => `env -u ${CA} ${tools[0]!.sync(x).replace(dstOf('fsh'), dstOf('fsh-noca'))}` })
const missing: string[] = []
if (has('rsync')) tools.push({ name: 'rsync -a --delete', dst: dstOf('rsync'), sync: (x = '') => `rsync -a --delete ${x} ${q(SRC + '/')} ${q(dstOf('rsync') + '/')}` })
else missing.push('rsync')
// rsync with fsh's promise: --fsync makes every file durable before rsync moves on (rsync 3.2.4+).
if (has('rsync') && spawnSync('rsync', ['--fsync', '--version']).status === 0) {
  tools.push({ name: 'rsync -a --delete --fsync', dst: dstOf('rsync-fsync'), sync: (x = '') => `rsync -a --delete --fsync ${x} ${q(SRC + '/')} ${q(dstOf('rsync-fsync') + '/')}` })
}
tools.push({ name: 'cp -a', dst: dstOf('cp'), sync: () => `cp -a ${q(SRC)} ${q(dstOf('cp'))}`, initialOnly: true })

const stepArg = process.argv.indexOf('--steps')
const chosen = stepArg >= 0 ? process.argv[stepArg + 1]!.split(',') : undefined
const stepNames: Record<string, string> = { initial: 'initial', 'no-op': 'no-op', checksum: 'checksum no-op', changed: `${CHANGED} changed` }
const steps = Object.entries(stepNames).filter(([name]) => !chosen || chosen.includes(name)).map(([, step]) => step)
const watchStep = !chosen || chosen.includes('watch')
if (!steps.length && !watchStep) throw new Error(`--steps: none of ${chosen} is one of initial, no-op, checksum, changed, watch`)

execFileSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs'), '--if-stale'], { stdio: 'inherit' })
if (steps.length) {
  generate()
  execFileSync('sh', ['-c', `cat $(find ${q(SRC)} -type f) > /dev/null`]) // warm the page cache for everyone alike
}
const times = new Map<string, number[]>()
const cpus = new Map<string, number[]>()
const problems: string[] = []
for (let pass = 1; steps.length && pass <= RUNS; pass++) {
  if (steps.includes('initial')) for (const t of tools) discard(t.dst)
  else for (const t of tools) if (!t.initialOnly) execFileSync('sh', ['-c', t.sync()], { cwd: ROOT })
  let changed: string[] = []
  for (const step of steps) {
    if (step === `${CHANGED} changed`) changed = change(pass)
    // Turns alternate between passes, and what an earlier step left unwritten is flushed first:
    // otherwise whoever runs right after a 1 GB copy walks while the kernel writes it out.
    for (const t of pass % 2 ? tools : [...tools].reverse()) {
      if (t.initialOnly && step !== 'initial') continue
      execFileSync('sync')
      const r = await measure(t.sync(step === 'checksum no-op' ? '--checksum' : ''), { cwd: ROOT })
      const key = `${step}\t${t.name}`
      times.set(key, [...(times.get(key) ?? []), r.ms])
      cpus.set(key, [...(cpus.get(key) ?? []), r.cpuMs])
      const wrong = sameTree(t.dst, changed)
      if (wrong) problems.push(`${t.name} after ${step} (pass ${pass}): ${wrong}`)
    }
  }
  console.error(`pass ${pass}/${RUNS} done`)
}

fs.rmSync(TRASH, { recursive: true, force: true })
const load = fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')
console.log(`tree: ${FILES} files, ${MB} MB, depth 4; ${os.availableParallelism()} cores; median of ${RUNS} runs\n`)
const goals: Record<string, number> = { initial: 0.8, 'no-op': 1.0, 'checksum no-op': 1.0, [`${CHANGED} changed`]: 1.0 }
const rows: string[][] = []
for (const step of steps) {
  const fshMs = median(times.get(`${step}\tfsh sync`)!)
  const peer = `${step}\trsync -a --delete`
  const rsyncMs = times.has(peer) ? median(times.get(peer)!) : undefined
  const rsyncCpu = cpus.has(peer) ? median(cpus.get(peer)!) : undefined
  for (const t of tools) {
    const ts = times.get(`${step}\t${t.name}`)
    if (!ts) continue
    const ms = median(ts)
    const cpu = median(cpus.get(`${step}\t${t.name}`)!)
    const mine = t.name.startsWith('fsh sync') && rsyncMs && rsyncCpu && !problems.length
    rows.push([step, t.name, (ms / 1000).toFixed(3), (cpu / 1000).toFixed(3), mine ? `${(ms / rsyncMs).toFixed(2)}×` : '', mine ? `${(cpu / rsyncCpu).toFixed(2)}×` : '', mine ? `≤ ${goals[step]}×` : ''])
  }
  if (!rsyncMs) rows.push([step, 'rsync', 'MISS', `${(fshMs / 1000).toFixed(3)} s for fsh alone`])
}
async function nodeStart(prefix: string): Promise<number> {
  const ms: number[] = []
  for (let i = 0; i < 10; i++) ms.push((await measure(`${prefix}${q(process.execPath)} -e 0`)).ms)
  return median(ms)
}
if (CA) rows.push(['start', 'node -e 0', (await nodeStart('') / 1000).toFixed(3)], ['start', `node -e 0, no ${CA}`, (await nodeStart(`env -u ${CA} `) / 1000).toFixed(3)])
if (watchStep) {
  const ms = await watchLatency(20)
  const sorted = [...ms].sort((a, b) => a - b)
  rows.push(['watch', 'fsh sync --watch: save to DST', `median ${(median(ms) / 1000).toFixed(3)}`, `max ${(sorted.at(-1)! / 1000).toFixed(3)}`, '', '', '≤ 0.2 s'])
}
table(['step', 'tool', 'wall s', 'cpu s', 'wall vs rsync', 'cpu vs rsync', 'goal'], [...rows, ...missing.map(m => ['', m, 'MISS', '', '', '', 'not installed'])])
console.log(`\nload average at the end: ${load} (other work on the machine stretches wall times, not CPU times;`)
console.log('fsh also waits for its copies to reach the disk before renaming them, which rsync and cp do not)')
if (problems.length) {
  console.log(`\nresults differ, so no ratio is printed:\n${problems.join('\n')}`)
  process.exitCode = 1
}

/** Per save, milliseconds from the write in SRC to the new content read back from DST, while one
 *  `sync --watch` runs on a small tree of its own. */
async function watchLatency(saves: number): Promise<number[]> {
  const src = path.join(WORK, 'watch-src')
  const dst = path.join(WORK, 'watch-dst')
  for (const d of [src, dst]) fs.rmSync(d, { recursive: true, force: true })
  for (let i = 0; i < 100; i++) {
    fs.mkdirSync(path.join(src, `d${i % 10}`), { recursive: true })
    fs.writeFileSync(path.join(src, `d${i % 10}`, `f${i}`), `${i}`)
  }
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/fsh.js'), '-c', `sync ${q(src)} ${q(dst)} --watch --json`], { stdio: ['ignore', 'ignore', 'inherit'] })
  const exited = new Promise(r => child.once('exit', r))
  const sleep = (ms: number) => new Promise(r => setTimeout(r, ms))
  /** Polls every millisecond until `ok`, or fails after 5 s. */
  const until = async (ok: () => boolean, what: string) => {
    for (const t0 = Date.now(); !ok(); await sleep(1)) if (Date.now() - t0 > 5000) throw new Error(`watch: no ${what} after 5 s`)
  }
  const read = (p: string) => { try { return fs.readFileSync(p, 'utf8') } catch { return undefined } }
  try {
    await until(() => read(path.join(dst, 'd9', 'f99')) === '99', 'first pass')
    const ms: number[] = []
    for (let i = 0; i < saves; i++) {
      await sleep(250) // each save a burst of its own
      const body = `save ${i} ${Date.now()}`
      const t0 = performance.now()
      fs.writeFileSync(path.join(src, 'd3', 'saved.txt'), body)
      await until(() => read(path.join(dst, 'd3', 'saved.txt')) === body, `save ${i} in DST`)
      ms.push(performance.now() - t0)
    }
    return ms
  } finally {
    child.kill('SIGINT')
    await exited
  }
}
