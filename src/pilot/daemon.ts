// The supervisor daemon: one per state dir, listening on pilot.sock (JSON lines), keeping what it
// supervises and every event in pilot.db. A daemon that starts finds the children of the one
// before it (killed, crashed) by pid and start time, and adopts them or says they are gone.
// It stays when nothing runs, as PM2's does; `pilot kill` (or SIGTERM) stops everything and it.
import { chmod, unlink } from 'node:fs/promises'
import { createServer, type Server, type Socket } from 'node:net'
import { join } from 'node:path'
import { after } from '../runtime/timers.ts'
import { ensureDir } from '../state/dirs.ts'
import { jsonLine, readJsonLines } from './json-lines.ts'
import { LineLog } from './line-log.ts'
import { groupUsage } from '../base/proc.ts'
import { instanceName, type ProgramSpec } from './spec.ts'
import { describeExit, type PilotEvent, Supervisor } from './supervisor.ts'
import { PilotStore } from './store.ts'

export const SOCKET_NAME = 'pilot.sock'
export const DB_NAME = 'pilot.db'

/** How long `start --wait-ready` and each step of `reload` wait for a child to be online. */
const READY_TIMEOUT_MS = 30_000
/** How long `kill` waits for clients to hang up before it cuts their connections. */
const CLIENT_GRACE_MS = 1000
/** A follower that reads slower than events come is dropped past this much unread. */
const FOLLOWER_BUFFER = 1024 * 1024

export interface ProgramRow {
  name: string
  pid: number | null
  status: string
  restarts: number
  uptime_s: number | null
  rss_bytes: number | null
  cpu: number | null
  last_exit: string | null
}

interface Entry {
  sup: Supervisor
  out: LineLog
  err: LineLog
  decisions: LineLog
  logFailing: boolean
  cpuSample?: { at: number; seconds: number }
}

type Reply = Record<string, unknown>

export class PilotDaemon {
  private readonly entries = new Map<string, Entry>()
  private readonly followers = new Set<Socket>()
  private readonly clients = new Set<Socket>()
  private server: Server | undefined
  private killed!: () => void
  /** Resolves when `kill` is asked. */
  readonly killRequested = new Promise<void>(r => (this.killed = r))

  constructor(readonly dir: string, private readonly store: PilotStore) {}

  static async open(dir: string): Promise<PilotDaemon> {
    await ensureDir(dir)
    const d = new PilotDaemon(dir, new PilotStore(join(dir, DB_NAME)))
    await d.listen()
    d.recover()
    return d
  }

  /** Stops every child, then the server and the store; `forget` also removes the database. */
  async shutdown(reason: string, forget = false): Promise<void> {
    await Promise.all([...this.entries.values()].map(e => e.sup.stop(reason)))
    for (const f of this.followers) f.end()
    // The server closes once its connections have: one a client keeps open (idle, or the client
    // stopped) is cut after a moment, time for the last replies to go out.
    const closed = new Promise<void>(r => (this.server ? this.server.close(() => r()) : r()))
    const cut = after(CLIENT_GRACE_MS, () => { for (const c of this.clients) c.destroy() })
    await closed
    cut()
    await unlink(join(this.dir, SOCKET_NAME)).catch(() => {})
    for (const e of this.entries.values()) closeLogs(e)
    this.store.close()
    if (forget) for (const suffix of ['', '-wal', '-shm']) await unlink(join(this.dir, DB_NAME + suffix)).catch(() => {})
  }

  private async listen(): Promise<void> {
    const path = join(this.dir, SOCKET_NAME)
    // The client starts a daemon under a lock after finding no one answers: a socket file here is stale.
    await unlink(path).catch(() => {})
    const server = createServer({ allowHalfOpen: true }, sock => this.serve(sock))
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(path, () => { server.off('error', reject); resolve() })
    })
    await chmod(path, 0o600)
    this.server = server
  }

  /** Brings back what the last daemon supervised. */
  private recover(): void {
    for (const { spec, snap } of this.store.programs()) {
      const e = this.add(spec)
      const wasRunning = snap.status === 'starting' || snap.status === 'online' || snap.status === 'stopping'
      if (wasRunning && e.sup.adopt(snap)) {
        if (snap.status === 'stopping') void e.sup.stop('stop asked before the daemon restarted')
        continue
      }
      e.sup.restore(snap)
      if (wasRunning || snap.status === 'backoff') {
        const gone = snap.pid ? `pid ${snap.pid} was gone when the daemon started again` : 'the daemon started again'
        if (snap.status === 'stopping') e.sup.note(`${gone}: stopped`)
        else e.sup.start(`${gone} (was ${snap.status}): starting it again`)
      }
    }
  }

  private add(spec: ProgramSpec): Entry {
    const base = join(this.dir, spec.name)
    const logOpts = { maxSize: spec.maxLogSize, maxFiles: spec.maxLogFiles, timestamps: spec.timestamps }
    const entry: Entry = {
      out: new LineLog(`${base}.out.log`, logOpts),
      err: new LineLog(`${base}.err.log`, logOpts),
      decisions: new LineLog(`${base}.pilot.log`, { maxSize: spec.maxLogSize, maxFiles: spec.maxLogFiles }),
      logFailing: false,
      sup: undefined as unknown as Supervisor,
    }
    const toLog = (log: LineLog) => (chunk: Uint8Array) => {
      try {
        log.write(chunk)
      } catch (err) {
        if (entry.logFailing) return
        entry.logFailing = true
        entry.sup.note(`cannot write ${log.path}: ${(err as Error).message}; output is dropped until writes succeed again (the child keeps running)`)
        return
      }
      if (entry.logFailing) { entry.logFailing = false; entry.sup.note('log writes succeed again') }
    }
    entry.sup = new Supervisor(spec, {
      event: e => this.record(entry, e),
      stdout: toLog(entry.out),
      stderr: toLog(entry.err),
      outputEnded: () => { quietly(() => entry.out.flush()); quietly(() => entry.err.flush()) },
    })
    this.entries.set(spec.name, entry)
    return entry
  }

  private record(entry: Entry, e: PilotEvent): void {
    let seq = 0
    try {
      seq = this.store.addEvent(e)
      this.store.save(entry.sup.spec, entry.sup.snapshot())
    } catch { /* a full disk: the event still reaches the log file (if it can) and followers */ }
    const line = e.from === e.to ? `${e.to}: ${e.reason}` : `${e.from} -> ${e.to}: ${e.reason}`
    quietly(() => entry.decisions.line(`${new Date(e.ts).toISOString()} ${line}`))
    for (const f of this.followers) {
      if (f.writableLength > FOLLOWER_BUFFER) { f.destroy(); this.followers.delete(f); continue }
      f.write(jsonLine({ event: { seq, ...e } }))
    }
  }

  private serve(sock: Socket): void {
    let chain = Promise.resolve()
    let ended = false
    sock.on('error', () => this.followers.delete(sock))
    this.clients.add(sock)
    sock.on('close', () => { this.followers.delete(sock); this.clients.delete(sock) })
    sock.on('end', () => { ended = true; void chain.then(() => { if (!this.followers.has(sock)) sock.end() }) })
    readJsonLines(sock, m => {
      chain = chain.then(async () => {
        let reply: Reply | undefined
        try {
          reply = await this.handle(m, sock)
        } catch (err) {
          reply = { ok: false, error: (err as Error).message, code: 1 }
        }
        if (reply && !sock.destroyed) sock.write(jsonLine(reply))
        if (ended && !this.followers.has(sock)) sock.end()
        if (m.op === 'kill') { sock.end(); this.killed() }
      })
    }, why => { sock.end(jsonLine({ ok: false, error: `bad request: ${why}`, code: 2 })) })
  }

  private async handle(m: Record<string, unknown>, sock: Socket): Promise<Reply | undefined> {
    const name = typeof m.name === 'string' ? m.name : ''
    switch (m.op) {
      case 'ping': return { ok: true, pid: process.pid, programs: this.entries.size }
      case 'ls': return { ok: true, rows: this.rows([...this.entries.values()]) }
      case 'start': return this.start(m.spec as ProgramSpec)
      case 'stop': return this.each(name, e => e.sup.stop('stop asked'))
      case 'restart': return this.each(name, async e => { await e.sup.restart('restart asked'); await this.online(e) })
      case 'reload': return this.each(name, async e => { await e.sup.restart('rolling reload'); await this.online(e) }, true)
      case 'rm': {
        const reply = await this.each(name, async e => {
          await e.sup.stop('removed')
          this.entries.delete(e.sup.name)
          this.store.remove(e.sup.name)
          closeLogs(e)
        })
        return reply.ok ? { ok: true, rows: [] } : reply
      }
      case 'events': {
        let seq = Number(m.since) || 0
        for (let page = this.store.eventsSince(seq); page.length; page = this.store.eventsSince(seq)) {
          for (const event of page) sock.write(jsonLine({ event }))
          seq = page[page.length - 1]!.seq
        }
        if (m.follow) { this.followers.add(sock); return undefined }
        return { ok: true, end: true }
      }
      case 'kill': return { ok: true, pid: process.pid }
      default: return { ok: false, error: `unknown request ${JSON.stringify(m.op)}`, code: 2 }
    }
  }

  private async start(spec: ProgramSpec): Promise<Reply> {
    const names = Array.from({ length: spec.instances }, (_, i) => instanceName(spec.name, i, spec.instances))
    const taken = names.filter(n => this.match(n).length || this.match(spec.name).length)
    if (taken.length) return { ok: false, error: `${spec.name} is already supervised (pilot restart ${spec.name}, or pilot rm ${spec.name} first)`, code: 1 }
    const base = Number(spec.env.PORT)
    const entries = names.map((n, i) => {
      const env = spec.instances > 1 ? { ...spec.env, NODE_APP_INSTANCE: String(i), ...(base > 0 ? { PORT: String(base + i) } : {}) } : spec.env
      const port = env.PORT ?? ''
      return this.add({ ...spec, name: n, env, command: spec.command.map(a => a.replaceAll('{port}', port)) })
    })
    for (const e of entries) e.sup.start('start asked')
    await Promise.all(entries.map(e => this.online(e)))
    return { ok: true, rows: this.rows(entries) }
  }

  /** Waits until a starting child is online (or rests), within READY_TIMEOUT_MS. */
  private async online(e: Entry): Promise<void> {
    const end = Date.now() + READY_TIMEOUT_MS
    while (e.sup.status === 'starting' && Date.now() < end) await new Promise(r => setTimeout(r, 20))
  }

  private match(name: string): Entry[] {
    return [...this.entries.values()].filter(e => e.sup.name === name || e.sup.name.startsWith(`${name}:`))
  }

  /** Runs `fn` on each program the name matches (all at once, or one after the other). */
  private async each(name: string, fn: (e: Entry) => Promise<void>, oneByOne = false): Promise<Reply> {
    const found = this.match(name)
    if (!found.length) return { ok: false, error: `no program named ${name} (pilot ls lists them)`, code: 1 }
    if (oneByOne) for (const e of found) await fn(e)
    else await Promise.all(found.map(fn))
    return { ok: true, rows: this.rows(found.filter(e => this.entries.has(e.sup.name))) }
  }

  private rows(entries: Entry[]): ProgramRow[] {
    const now = Date.now()
    return entries.map(e => {
      const s = e.sup
      const running = s.pid !== null && (s.status === 'online' || s.status === 'starting' || s.status === 'stopping')
      const usage = running ? groupUsage(s.pid!) : undefined
      let cpu: number | null = null
      if (usage) {
        // Percent of one core since the last look (or since it started).
        const prev = e.cpuSample ?? { at: s.startedAt ?? now, seconds: 0 }
        const wall = (now - prev.at) / 1000
        cpu = wall > 0 ? Math.round(((usage.cpuSeconds - prev.seconds) / wall) * 1000) / 10 : 0
        e.cpuSample = { at: now, seconds: usage.cpuSeconds }
      }
      return {
        name: s.name,
        pid: running ? s.pid : null,
        status: s.status,
        restarts: s.restarts,
        uptime_s: running && s.startedAt ? Math.floor((now - s.startedAt) / 1000) : null,
        rss_bytes: usage ? usage.rssBytes : null,
        cpu,
        last_exit: s.lastExit ? describeExit(s.lastExit) : null,
      }
    })
  }
}

function closeLogs(e: Entry): void {
  for (const log of [e.out, e.err, e.decisions]) log.close()
}

/** A log write whose failure has nowhere to go (a full disk is told by the child's own output). */
function quietly(write: () => void): void {
  try {
    write()
  } catch { /* dropped */ }
}
