// `fsh doctor`: checks the state directory, its permissions, temp leftovers, database integrity
// and the pilot daemon. Each check reports; only abandoned temp files are repaired (removed).
import { constants } from 'node:fs'
import { access, lstat, open, readdir } from 'node:fs/promises'
import { connect } from 'node:net'
import { hostname } from 'node:os'
import { join, relative } from 'node:path'
import { cleanTempFiles } from './atomic.ts'
import { ensureDir, type FshDirs } from './dirs.ts'
import { parseEntry } from './history-entry.ts'
import { parseOwner } from './lock.ts'
import { isProcessAlive } from './process-alive.ts'

export interface DoctorCheck { check: string; ok: boolean; detail: string }

/** The walk of the state directory stops here: a doctor must answer fast, whatever is stored. */
const MAX_ENTRIES = 20_000
const MAX_DEPTH = 8
const SOCKET_TIMEOUT_MS = 1000
const LISTED = 5
/** The part of the history that is checked line by line. */
const HISTORY_READ_CAP = 16 * 1024 * 1024
/** A lock file whose writer never filled it in is abandoned after this long (as lock.ts decides). */
const LOCK_STALE_MS = 15_000

export async function runDoctor(dirs: FshDirs): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = []
  const stateDir = await checkStateDir(dirs.state)
  checks.push(stateDir)
  if (!stateDir.ok) return checks
  checks.push(await checkDirMode('state directory mode', dirs.state))
  if (dirs.config !== dirs.state) checks.push(await checkDirMode('config directory mode', dirs.config))
  const tree = await walk(dirs.state)
  const temps = await checkTempFiles(dirs.state, tree)
  checks.push(checkFileModes(dirs.state, tree))
  checks.push(temps)
  checks.push(...(await checkDatabases(dirs.state, tree)))
  const history = join(dirs.state, 'history.ndjson')
  checks.push(await checkHistory(history), await checkLock('history lock', history))
  checks.push(await checkPilot(join(dirs.state, 'pilot', 'pilot.sock')))
  return checks
}

async function checkStateDir(dir: string): Promise<DoctorCheck> {
  const check = 'state directory'
  try {
    const st = await lstat(dir)
    if (!st.isDirectory()) return { check, ok: false, detail: `${dir} is not a directory` }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return { check, ok: false, detail: `${dir}: ${message(err)}` }
    try {
      await ensureDir(dir)
      return { check, ok: true, detail: `${dir} (created)` }
    } catch (e) {
      return { check, ok: false, detail: `cannot create ${dir}: ${message(e)}` }
    }
  }
  try {
    await access(dir, constants.R_OK | constants.W_OK | constants.X_OK)
  } catch {
    return { check, ok: false, detail: `${dir} is not writable` }
  }
  return { check, ok: true, detail: dir }
}

async function checkDirMode(check: string, dir: string): Promise<DoctorCheck> {
  try {
    const mode = (await lstat(dir)).mode & 0o777
    if ((mode & 0o077) === 0) return { check, ok: true, detail: `${octal(mode)} ${dir}` }
    return { check, ok: false, detail: `${octal(mode)} ${dir}: others can read it; fix: chmod 700 ${dir}` }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { check, ok: true, detail: `${dir} not created yet` }
    return { check, ok: false, detail: `${dir}: ${message(err)}` }
  }
}

interface Entry { path: string; kind: 'file' | 'dir' | 'socket' | 'other'; mode: number }
interface Tree { entries: Entry[]; dirs: string[]; truncated: boolean }

/** Everything under `root`, symlinks not followed, within MAX_ENTRIES and MAX_DEPTH. */
async function walk(root: string): Promise<Tree> {
  const tree: Tree = { entries: [], dirs: [root], truncated: false }
  const visit = async (dir: string, depth: number): Promise<void> => {
    let names: string[]
    try {
      names = await readdir(dir)
    } catch {
      return
    }
    for (const name of names) {
      if (tree.entries.length >= MAX_ENTRIES) {
        tree.truncated = true
        return
      }
      const path = join(dir, name)
      let st
      try {
        st = await lstat(path)
      } catch {
        continue
      }
      const kind = st.isFile() ? 'file' : st.isDirectory() ? 'dir' : st.isSocket() ? 'socket' : 'other'
      tree.entries.push({ path, kind, mode: st.mode & 0o777 })
      if (kind === 'dir') {
        tree.dirs.push(path)
        if (depth < MAX_DEPTH) await visit(path, depth + 1)
        else tree.truncated = true
      }
    }
  }
  await visit(root, 1)
  return tree
}

function checkFileModes(root: string, tree: Tree): DoctorCheck {
  const check = 'file permissions'
  const loose = tree.entries.filter(e => (e.kind === 'file' || e.kind === 'dir') && (e.mode & 0o077) !== 0)
  const scope = tree.truncated ? ` (first ${tree.entries.length} entries checked)` : ''
  if (!loose.length) return { check, ok: true, detail: `files 0600, directories 0700${scope}` }
  const listed = loose.slice(0, LISTED).map(e => `${relative(root, e.path)} ${octal(e.mode)}`)
  const more = loose.length > LISTED ? `, and ${loose.length - LISTED} more` : ''
  return {
    check,
    ok: false,
    detail: `readable by others: ${listed.join(', ')}${more}; fix: chmod go-rwx on them${scope}`,
  }
}

async function checkTempFiles(root: string, tree: Tree): Promise<DoctorCheck> {
  const check = 'temp files'
  try {
    const removed: string[] = []
    for (const dir of tree.dirs) removed.push(...(await cleanTempFiles(dir)))
    // What is gone needs no other check.
    const gone = new Set(removed)
    tree.entries = tree.entries.filter(e => !gone.has(e.path))
    if (!removed.length) return { check, ok: true, detail: 'no leftovers' }
    const listed = removed.slice(0, LISTED).map(p => relative(root, p))
    const more = removed.length > LISTED ? `, and ${removed.length - LISTED} more` : ''
    return { check, ok: true, detail: `removed ${removed.length} left by interrupted writes: ${listed.join(', ')}${more}` }
  } catch (err) {
    return { check, ok: false, detail: `could not clean temp files: ${message(err)}` }
  }
}

async function checkDatabases(root: string, tree: Tree): Promise<DoctorCheck[]> {
  const files = tree.entries.filter(e => e.kind === 'file' && /\.(db|sqlite)$/.test(e.path))
  if (!files.length) return [{ check: 'databases', ok: true, detail: 'none' }]
  let Database: typeof import('better-sqlite3')
  try {
    Database = (await import('better-sqlite3')).default
  } catch (err) {
    return [{ check: 'databases', ok: false, detail: `cannot load better-sqlite3: ${message(err)}` }]
  }
  return files.map(({ path }) => {
    const check = `database ${relative(root, path)}`
    let db: import('better-sqlite3').Database | undefined
    try {
      db = new Database(path, { readonly: true, fileMustExist: true })
      const rows = db.prepare('PRAGMA integrity_check(10)').pluck().all() as string[]
      if (rows.length === 1 && rows[0] === 'ok') return { check, ok: true, detail: 'integrity ok' }
      // One line per problem, some rows holding several; the `*** in database main ***` heading is noise.
      const problems = rows.flatMap(r => String(r).split('\n')).filter(l => l && !l.startsWith('***'))
      const more = problems.length > 3 ? `, and ${problems.length - 3} more` : ''
      return { check, ok: false, detail: `integrity check failed: ${problems.slice(0, 3).join('; ')}${more}` }
    } catch (err) {
      return { check, ok: false, detail: `integrity check failed: ${message(err).split('\n')[0]}` }
    } finally {
      db?.close()
    }
  })
}

async function checkHistory(file: string): Promise<DoctorCheck> {
  const check = 'history'
  const setAside = `fix: mv ${file} ${file}.bad (a new history starts)`
  let text: string
  try {
    const st = await lstat(file)
    if (!st.isFile()) return { check, ok: false, detail: `${file} is ${st.isDirectory() ? 'a directory' : 'not a regular file'}; ${setAside}` }
    const fh = await open(file, 'r')
    try {
      const buf = Buffer.alloc(Math.min(st.size, HISTORY_READ_CAP))
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0)
      text = buf.subarray(0, bytesRead).toString('utf8')
    } finally {
      await fh.close()
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return { check, ok: true, detail: 'none yet' }
    if (code === 'EACCES') return { check, ok: false, detail: `cannot read ${file}: permission denied; fix: chmod 600 ${file}` }
    return { check, ok: false, detail: `${file}: ${message(err)}` }
  }
  // The last line may be cut by a crash (or by the cap); loading skips it, so it is no fault.
  const lines = text.split('\n').slice(0, -1).filter(l => l !== '')
  const bad = lines.filter(l => !parseEntry(l)).length
  if (!bad) return { check, ok: true, detail: `${lines.length} entries` }
  return { check, ok: false, detail: `${bad} of ${lines.length} lines of ${file} are not history entries; ${setAside}` }
}

/** PATH.lock left behind by a process that is gone blocks every writer until it goes stale. */
async function checkLock(check: string, path: string): Promise<DoctorCheck> {
  const lock = `${path}.lock`
  let text: string
  let mtimeMs: number
  try {
    const fh = await open(lock, 'r')
    try {
      mtimeMs = (await fh.stat()).mtimeMs
      text = await fh.readFile('utf8')
    } finally {
      await fh.close()
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { check, ok: true, detail: 'not held' }
    return { check, ok: false, detail: `${lock}: ${message(err)}; fix: rm ${lock}` }
  }
  const owner = parseOwner(text)
  const dead = owner ? owner.host === hostname() && !isProcessAlive(owner.pid) : Date.now() - mtimeMs > LOCK_STALE_MS
  if (!dead) return { check, ok: true, detail: owner ? `held by pid ${owner.pid} on ${owner.host}` : 'being taken' }
  const who = owner ? `process ${owner.pid}, which is gone` : 'a writer that never filled it in'
  return { check, ok: false, detail: `stale lock ${lock} left by ${who}; fix: rm ${lock}` }
}

async function checkPilot(socket: string): Promise<DoctorCheck> {
  const check = 'pilot daemon'
  try {
    await lstat(socket)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { check, ok: true, detail: 'not running' }
    return { check, ok: false, detail: `${socket}: ${message(err)}` }
  }
  const answer = await knock(socket)
  if (answer.startsWith('{')) {
    // The daemon's reply to a ping: {"ok":true,"pid":N,"programs":M}.
    let pong: { ok?: unknown; pid?: unknown; programs?: unknown } = {}
    try { pong = JSON.parse(answer) } catch { /* not JSON: said below */ }
    if (pong.ok === true) {
      const who = typeof pong.pid === 'number' ? ` (pid ${pong.pid}, supervising ${pong.programs})` : ''
      return { check, ok: true, detail: `running${who}, answers on ${socket}` }
    }
    return { check, ok: false, detail: `${socket} answers, but not as the pilot daemon does (${answer.slice(0, 60)}); fix: fsh -c 'pilot kill', or fuser -k ${socket}; rm ${socket}` }
  }
  if (answer === 'answered') return { check, ok: false, detail: `${socket} accepts but hangs up without answering a ping; fix: fuser -k ${socket}; rm ${socket}` }
  if (answer === 'timeout') return { check, ok: false, detail: `${socket} accepts but does not answer within ${SOCKET_TIMEOUT_MS} ms; fix: fuser -k ${socket}; rm ${socket}` }
  return { check, ok: false, detail: `stale socket ${socket} (${answer}): no daemon listens; fix: rm ${socket}` }
}

/** Connects and pings: the first line of the reply, 'answered' (a hang-up without one), 'timeout',
 *  or the error code. A daemon that accepts but is stuck must not pass for a running one. */
function knock(path: string): Promise<string> {
  return new Promise(resolve => {
    const sock = connect({ path })
    const done = (answer: string) => {
      clearTimeout(timer)
      sock.destroy()
      resolve(answer)
    }
    const timer = setTimeout(() => done('timeout'), SOCKET_TIMEOUT_MS)
    let connected = false
    let reply = ''
    sock.once('connect', () => { connected = true; sock.end('{"op":"ping"}\n') })
    sock.on('data', (chunk: Buffer) => {
      reply += chunk.toString('utf8')
      if (reply.includes('\n') || reply.length > 4096) done(reply.split('\n')[0]!)
    })
    sock.once('end', () => done(reply ? reply.split('\n')[0]! : 'answered'))
    // After connecting, a reset is the daemon hanging up: an answer too.
    sock.once('error', (err: NodeJS.ErrnoException) => done(connected ? 'answered' : err.code ?? err.message))
  })
}

const octal = (mode: number): string => '0' + mode.toString(8).padStart(3, '0')

const message = (err: unknown): string => (err as Error)?.message ?? String(err)
