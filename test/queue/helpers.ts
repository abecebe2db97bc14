// Real worker processes on a real queue (a file in a temp dir, or a PostgreSQL database).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { openJobStore } from '../../src/queue/open.ts'
import type { JobStore } from '../../src/queue/store.ts'

export const BIN = resolve('bin/fsh.js')
export const HANDLERS = resolve('test/queue/fixtures/handlers.mjs')

export interface Sandbox { dir: string; db: string; log: string; env: Record<string, string> }

/** A temp dir for one test; the queue is `db` (a file or URL) or q.db in it. */
export function sandbox(db?: string): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), 'fsh-queue-'))
  const markers = join(dir, 'markers')
  mkdirSync(markers)
  const env = { ...process.env, FSH_HOME: join(dir, 'home'), NO_COLOR: '1', QUEUE_LOG: join(dir, 'runs.log'), QUEUE_MARKERS: markers } as Record<string, string>
  delete env.FSH_DEBUG
  return { dir, db: db ?? join(dir, 'q.db'), log: join(dir, 'runs.log'), env }
}

/** `fsh -c LINE` to the end: exit code, stdout, stderr. */
export function fsh(sb: Sandbox, line: string): { code: number; out: string; err: string } {
  try {
    const out = execFileSync(process.execPath, [BIN, '-c', line], { cwd: sb.dir, env: sb.env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
    return { code: 0, out, err: '' }
  } catch (e) {
    const err = e as { status: number; stdout: string; stderr: string }
    return { code: err.status, out: err.stdout, err: err.stderr }
  }
}

export function startWorker(sb: Sandbox, flags: string): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, [BIN, '-c', `queue work --db ${sb.db} --handlers ${HANDLERS} ${flags}`], { cwd: sb.dir, env: sb.env, stdio: ['ignore', 'pipe', 'pipe'] })
  let text = ''
  child.stdout!.on('data', c => { text += c })
  child.stderr!.on('data', c => { text += c })
  return Object.assign(child, { output: () => text })
}

export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode)
  return new Promise(r => child.once('exit', code => r(code)))
}

export function logLines(sb: Sandbox): string[] {
  try { return readFileSync(sb.log, 'utf8').split('\n').filter(Boolean) } catch { return [] }
}

export async function until(what: string, cond: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`)
    await new Promise(r => setTimeout(r, 25))
  }
}

/** The sandbox's store, open for `fn`. */
export async function withQueue<T>(sb: Sandbox, fn: (store: JobStore) => Promise<T>): Promise<T> {
  const store = await openJobStore(sb.db, sb.dir)
  try { return await fn(store) } finally { await store.close() }
}

/** Counts per status, read straight from the store. */
export function stats(sb: Sandbox): Promise<Record<string, number>> {
  return withQueue(sb, store => store.counts())
}
