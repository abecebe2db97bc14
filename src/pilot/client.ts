// Talking to the daemon: connect to pilot.sock, or start the daemon first. A socket nobody answers
// on is stale (its daemon was killed): under a lock, so that two shells never start two daemons,
// the first one there removes it and starts a new daemon; the other finds that one answering.
import { spawn } from 'node:child_process'
import { closeSync, existsSync, openSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { FshError } from '../base/errors.ts'
import { ensureDir } from '../state/dirs.ts'
import { withLock } from '../state/lock.ts'
import { SOCKET_NAME } from './daemon.ts'
import { jsonLine, readJsonLines } from './json-lines.ts'

const START_TIMEOUT_MS = 15_000

/** The daemon waits on children and pipes all day: V8's interpreter is enough (lite mode; it has no
 *  WebAssembly, which is said, or V8 warns in daemon.log), and a young generation of 1 MB is
 *  collected often. Measured with 10 children: 64 MB RSS -> 54 MB, the same log throughput. */
export const DAEMON_V8_FLAGS = ['--lite-mode', '--no-expose-wasm', '--max-semi-space-size=1']

export const pilotDir = (stateDir: string): string => join(stateDir, 'pilot')

function tryConnect(path: string): Promise<Socket | undefined> {
  return new Promise(resolve => {
    const sock = connect({ path })
    sock.once('connect', () => { sock.off('error', fail); resolve(sock) })
    const fail = () => { sock.destroy(); resolve(undefined) }
    sock.once('error', fail)
  })
}

/** Where each connection's daemon writes what it says on stderr: named when it hangs up. */
const daemonLogs = new WeakMap<Socket, string>()

/** A connection to the daemon of `dir`; with `start`, one is started when none answers. */
export async function connectDaemon(dir: string, env: Record<string, string>, start: boolean): Promise<Socket | undefined> {
  const sock = await reachDaemon(dir, env, start)
  if (sock) daemonLogs.set(sock, join(dir, 'daemon.log'))
  return sock
}

async function reachDaemon(dir: string, env: Record<string, string>, start: boolean): Promise<Socket | undefined> {
  const path = join(dir, SOCKET_NAME)
  const sock = await tryConnect(path)
  if (sock || !start) return sock
  await ensureDir(dir)
  return withLock(join(dir, 'daemon'), async () => {
    const again = await tryConnect(path)
    if (again) return again
    // What the daemon says on stderr (a crash, a warning) goes to daemon.log beside its socket.
    const log = openSync(join(dir, 'daemon.log'), 'a', 0o600)
    const child = spawn(process.execPath, [...DAEMON_V8_FLAGS, ...daemonArgs(dir)], { detached: true, stdio: ['ignore', 'ignore', log], env, cwd: dir })
    closeSync(log)
    child.unref()
    const end = Date.now() + START_TIMEOUT_MS
    for (;;) {
      const s = await tryConnect(path)
      if (s) return s
      if (child.exitCode !== null || child.signalCode !== null) throw new FshError(1, `the pilot daemon exited at start (${child.exitCode ?? child.signalCode}); see ${join(dir, 'daemon.log')}`)
      if (Date.now() > end) throw new FshError(1, `the pilot daemon did not answer on ${path} within ${START_TIMEOUT_MS / 1000}s`)
      await new Promise(r => setTimeout(r, 20))
    }
  }, { timeoutMs: START_TIMEOUT_MS })
}

/** How to start the daemon: its own small entry point (dist/pilot-daemon.js), or, where that was
 *  not built, the whole CLI's `pilot daemon`. Found from src/pilot or from dist/chunks. */
function daemonArgs(dir: string): string[] {
  for (let d = dirname(fileURLToPath(import.meta.url)); d !== dirname(d); d = dirname(d)) {
    const entry = join(d, 'dist', 'pilot-daemon.js')
    if (existsSync(entry)) return [entry, dir]
    if (existsSync(join(d, 'pilot-daemon.js')) && existsSync(join(d, 'cli.js'))) return [join(d, 'pilot-daemon.js'), dir]
    const bin = join(d, 'bin', 'fsh.js')
    if (existsSync(bin)) return [bin, '-c', 'pilot daemon']
  }
  throw new FshError(1, 'neither dist/pilot-daemon.js nor bin/fsh.js is in this installation: cannot start the pilot daemon')
}

/** Sends one request and yields every line the daemon answers with, until the connection ends
 *  or a reply with `ok` comes (the last of a stream). Stops at once on abort. */
export async function* ask(sock: Socket, request: Record<string, unknown>, signal?: AbortSignal): AsyncGenerator<Record<string, unknown>> {
  const queue: Record<string, unknown>[] = []
  let done = false
  let wake: (() => void) | undefined
  const poke = () => { wake?.(); wake = undefined }
  readJsonLines(sock, m => { queue.push(m); poke() }, () => { done = true; poke() })
  sock.on('close', () => { done = true; poke() })
  sock.on('error', () => { done = true; poke() })
  const onAbort = () => { done = true; sock.destroy(); poke() }
  signal?.addEventListener('abort', onAbort, { once: true })
  try {
    sock.write(jsonLine(request))
    for (;;) {
      while (queue.length) {
        const m = queue.shift()!
        yield m
        if ('ok' in m) return
      }
      if (done) return
      await new Promise<void>(r => (wake = r))
    }
  } finally {
    signal?.removeEventListener('abort', onAbort)
    sock.destroy()
  }
}

/** One request, one reply; a refusal becomes an FshError with the daemon's code. */
export async function request(sock: Socket, req: Record<string, unknown>, signal?: AbortSignal): Promise<Record<string, unknown>> {
  for await (const m of ask(sock, req, signal)) {
    if (!('ok' in m)) continue
    if (m.ok !== true) throw new FshError(Number(m.code) || 1, String(m.error))
    return m
  }
  if (signal?.aborted) throw signal.reason
  const log = daemonLogs.get(sock)
  throw new FshError(1, `the pilot daemon hung up without answering${log ? ` (its log: ${log})` : ''}`)
}
