// A throwaway PostgreSQL server for one test file: initdb into a temp dir, listening on 127.0.0.1
// on a free port (fsync off: nothing here needs to survive a power cut), a database per test,
// stopped and removed at the end (or when the process exits, whatever happened). As root, the
// server runs as the `postgres` user, which owns its data dir.
import { execFile, spawnSync } from 'node:child_process'
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** The password of the server's `postgres` user (connections over TCP need it). */
export const PG_PASSWORD = 'fsh-test-secret'

export interface PgServer {
  port: number
  /** A URL for `db` as the `postgres` user. */
  url(db?: string): string
  /** A fresh, empty database; its URL. */
  createDatabase(): Promise<string>
  /** Stops the server at once (like a crash) or cleanly; `start` brings it back on the same port. */
  stop(mode?: 'immediate' | 'fast'): Promise<void>
  start(): Promise<void>
  /** Stops it and removes its files. */
  remove(): void
}

/** Where initdb and pg_ctl are: on PATH, else the newest under /usr/lib/postgresql; undefined when absent. */
export function postgresBinDir(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) if (dir && existsSync(join(dir, 'pg_ctl')) && existsSync(join(dir, 'initdb'))) return dirname(realpathSync(join(dir, 'pg_ctl')))
  const root = '/usr/lib/postgresql'
  if (!existsSync(root)) return undefined
  const versions = readdirSync(root).filter(v => existsSync(join(root, v, 'bin', 'pg_ctl'))).sort((a, b) => Number(b) - Number(a))
  return versions.length ? join(root, versions[0]!, 'bin') : undefined
}

export async function startPostgres(): Promise<PgServer> {
  const bin = postgresBinDir()
  if (!bin) throw new Error('PostgreSQL binaries (initdb, pg_ctl) not found')
  const asRoot = process.getuid?.() === 0
  // The `postgres` user must reach its dir: not under a private TMPDIR of root's.
  const dir = mkdtempSync(join(asRoot && existsSync('/tmp') ? '/tmp' : tmpdir(), 'fsh-pg-'))
  const data = join(dir, 'data')
  let owner: { uid: number; gid: number } | undefined
  if (asRoot) {
    const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim())
    owner = { uid: id('-u'), gid: id('-g') }
    chownSync(dir, owner.uid, owner.gid)
  }
  const pwfile = join(dir, 'pw')
  writeFileSync(pwfile, PG_PASSWORD)
  chmodSync(pwfile, 0o600)
  if (owner) chownSync(pwfile, owner.uid, owner.gid)
  const cmd = (tool: string, args: string[]): [string, string[]] => (asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]] : [join(bin, tool), args])
  await run(...cmd('initdb', ['-D', data, '-U', 'postgres', '--pwfile', pwfile, '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--no-sync', '--no-instructions']))
  const port = await freePort()
  const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`
  const ctl = (args: string[]) => run(...cmd('pg_ctl', ['-D', data, ...args]))
  const start = async () => { await ctl(['-l', join(dir, 'log'), '-o', options, '-w', '-t', '30', 'start']) }
  let up = false
  const stopSync = () => {
    if (!up) return
    up = false
    const [c, a] = cmd('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop'])
    spawnSync(c, a, { stdio: 'ignore' })
  }
  const cleanup = () => { stopSync(); rmSync(dir, { recursive: true, force: true }) }
  process.once('exit', cleanup)
  // Killed by a signal (a timeout, Ctrl-C), 'exit' never comes: stop the server, then die of the
  // signal as before.
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.once(sig, () => { cleanup(); process.kill(process.pid, sig) })
  await start()
  up = true
  let n = 0
  const url = (db = 'postgres') => `postgres://postgres:${PG_PASSWORD}@127.0.0.1:${port}/${db}`
  return {
    port,
    url,
    async createDatabase() {
      const name = `t${process.pid}_${++n}`
      await run(...cmd('psql', ['-h', dir, '-p', String(port), '-U', 'postgres', '-qc', `CREATE DATABASE ${name}`]))
      return url(name)
    },
    async stop(mode = 'immediate') {
      await ctl(['-m', mode, '-w', 'stop'])
      up = false
    },
    async start() {
      await start()
      up = true
    },
    remove() {
      stopSync()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })
}
