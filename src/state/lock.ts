// Lock files for state that two fsh processes may write at once: PATH.lock, created exclusively,
// holding {pid, host, time, id}. A holder refreshes the file's mtime while it works, so a lock whose
// pid is dead on this host, or that nobody refreshed for staleMs, is abandoned and may be taken over.
import { randomBytes } from 'node:crypto'
import type { FileHandle } from 'node:fs/promises'
import { open, rename, stat, unlink } from 'node:fs/promises'
import { hostname, uptime } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import { FshError } from '../base/errors.ts'
import { isProcessAlive } from './process-alive.ts'

export interface LockOptions {
  /** How long to wait for a live holder before failing; default 10 s. */
  timeoutMs?: number
  /** A lock not refreshed for this long is abandoned; default 15 s. Use one value per lock path. */
  staleMs?: number
}

export interface LockOwner { pid: number; host: string; time: number; id?: string }

const DEFAULT_TIMEOUT_MS = 10_000
const DEFAULT_STALE_MS = 15_000
const HOST = hostname()

/** Runs `fn` holding PATH.lock; the lock is released however `fn` ends. Not re-entrant. */
export async function withLock<T>(path: string, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
  const lock = await acquireLock(path, opts)
  try {
    return await fn()
  } finally {
    await lock.release()
  }
}

export interface HeldLock { release(): Promise<void> }

const lockPathOf = (path: string): string => `${path}.lock`

/** Whether PATH.lock exists now: held, or left by a holder that died (an unreadable one counts). */
export async function isLocked(path: string): Promise<boolean> {
  try {
    await stat(lockPathOf(path))
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ENOENT'
  }
}

async function acquireLock(path: string, opts: LockOptions = {}): Promise<HeldLock> {
  const lockPath = lockPathOf(path)
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const staleMs = opts.staleMs ?? DEFAULT_STALE_MS
  const deadline = Date.now() + timeoutMs
  for (let attempt = 0; ; attempt++) {
    const created = await createExclusive(lockPath)
    if (created) return new LockHandle(lockPath, created, staleMs)
    const seen = await observe(lockPath)
    if (!seen) continue // released between our two looks: try again at once
    if (isAbandoned(seen, staleMs)) {
      const taken = await takeOver(lockPath, seen, staleMs)
      if (taken) return new LockHandle(lockPath, taken, staleMs)
      // Another waiter took it over, or it changed meanwhile: wait like everyone else.
    }
    const left = deadline - Date.now()
    if (left <= 0) throw new FshError(1, `could not lock ${path}: ${describeHolder(seen.owner)}`)
    await sleep(Math.max(1, Math.min(left, pollDelay(attempt))))
  }
}

/** Short sleeps first (locks are held for milliseconds), then up to ~50 ms, with jitter. */
function pollDelay(attempt: number): number {
  return Math.min(50, 2 + attempt * 3) * (0.5 + Math.random())
}

function ownerRecord(): string {
  const owner: LockOwner = { pid: process.pid, host: HOST, time: Date.now(), id: randomBytes(8).toString('hex') }
  return JSON.stringify(owner)
}

async function createExclusive(lockPath: string): Promise<FileHandle | undefined> {
  let fh: FileHandle
  try {
    fh = await open(lockPath, 'wx', 0o600)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return undefined
    throw err
  }
  try {
    await fh.write(ownerRecord())
    return fh
  } catch (err) {
    await fh.close().catch(() => {})
    await unlink(lockPath).catch(() => {})
    throw err
  }
}

interface Observed {
  owner: LockOwner | undefined
  mtimeMs: number
  /** Names this particular lock (not its path): who breaks it must break this one. */
  token: string
}

async function observe(lockPath: string): Promise<Observed | undefined> {
  let fh: FileHandle
  try {
    fh = await open(lockPath, 'r')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
  try {
    const st = await fh.stat()
    const owner = parseOwner(await fh.readFile('utf8'))
    const token = owner?.id ?? `${st.ino}-${st.size}-${Math.floor(st.mtimeMs)}`
    return { owner, mtimeMs: st.mtimeMs, token: token.replace(/[^\w-]/g, '_').slice(0, 64) }
  } finally {
    await fh.close()
  }
}

export function parseOwner(text: string): LockOwner | undefined {
  try {
    const o = JSON.parse(text)
    if (typeof o?.pid !== 'number' || typeof o.host !== 'string') return undefined
    return { pid: o.pid, host: o.host, time: Number(o.time) || 0, id: typeof o.id === 'string' ? o.id : undefined }
  } catch {
    return undefined // empty (its creator is writing it) or garbage: only its age can tell
  }
}

function isAbandoned(seen: Observed, staleMs: number): boolean {
  if (Date.now() - seen.mtimeMs > staleMs) return true
  const owner = seen.owner
  if (!owner || owner.host !== HOST) return false
  // Written before this boot: its pid may belong to an unrelated process by now.
  if (seen.mtimeMs < Date.now() - uptime() * 1000 - 2000) return true
  return !isProcessAlive(owner.pid)
}

/**
 * Takes over an abandoned lock so that of several waiters exactly one succeeds. The right to break
 * this lock is itself an exclusive file named after it; its winner checks the lock is still the one
 * judged abandoned and renames its own lock file over it, so the path is never without a lock for a
 * third process to grab.
 */
async function takeOver(lockPath: string, seen: Observed, staleMs: number): Promise<FileHandle | undefined> {
  const breaker = `${lockPath}.break-${seen.token}`
  const right = await createExclusive(breaker)
  if (!right) {
    await clearAbandonedBreaker(breaker, staleMs)
    return undefined
  }
  await right.close()
  try {
    const now = await observe(lockPath)
    if (now?.token !== seen.token) return undefined
    const next = `${lockPath}.take-${process.pid}-${randomBytes(4).toString('hex')}`
    const fh = await createExclusive(next)
    if (!fh) return undefined
    try {
      await rename(next, lockPath)
      return fh
    } catch (err) {
      await fh.close().catch(() => {})
      await unlink(next).catch(() => {})
      throw err
    }
  } finally {
    await unlink(breaker).catch(() => {})
  }
}

/** A breaker lives for milliseconds; one whose process died mid-takeover would block it forever. */
async function clearAbandonedBreaker(breaker: string, staleMs: number): Promise<void> {
  const seen = await observe(breaker)
  if (seen && isAbandoned(seen, staleMs)) await unlink(breaker).catch(() => {})
}

function describeHolder(owner: LockOwner | undefined): string {
  if (!owner) return 'held by another process'
  return owner.host === HOST ? `held by pid ${owner.pid}` : `held by pid ${owner.pid} on ${owner.host}`
}

class LockHandle implements HeldLock {
  private readonly heartbeat: NodeJS.Timeout
  private released = false

  constructor(
    private readonly lockPath: string,
    private readonly fh: FileHandle,
    staleMs: number,
  ) {
    this.heartbeat = setInterval(() => {
      const now = new Date()
      fh.utimes(now, now).catch(() => {})
    }, Math.max(20, Math.floor(staleMs / 3)))
    this.heartbeat.unref()
  }

  async release(): Promise<void> {
    if (this.released) return
    this.released = true
    clearInterval(this.heartbeat)
    try {
      // Only remove the lock if it is still ours: had it been taken over, the path is someone else's.
      const [mine, current] = await Promise.all([this.fh.stat(), stat(this.lockPath)])
      if (mine.ino === current.ino && mine.dev === current.dev) await unlink(this.lockPath)
    } catch {
      // Gone or unreadable: nothing of ours to remove. A lock we could not remove is abandoned
      // once this process exits, and the next taker breaks it.
    } finally {
      await this.fh.close().catch(() => {})
    }
  }
}
