// Steps run by real `queue work` processes: a worker killed with -9 mid-step loses its lease, the
// step's process group dies with it, and the step is retried, never running twice at once; a
// cancel ends a step that ignores SIGTERM once the grace period is over. On SQLite, and with the
// runs and the queue on PostgreSQL.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { alive, until } from '../wait.ts'
import { BIN, flowBox, type FlowBox } from './helpers.ts'
import { backends, type Backend } from '../queue/backends.ts'

/** Stops a worker and waits for it to be gone. */
async function stop(w: ChildProcess): Promise<void> {
  if (w.exitCode !== null || w.signalCode !== null) return
  const gone = new Promise(resolve => w.once('exit', resolve))
  w.kill('SIGTERM')
  await gone
}

function worker(b: FlowBox, db: string): ChildProcess {
  return spawn(process.execPath, [BIN, '-c', `queue work --lease 1s --concurrency 2${db}`], { cwd: b.dir, env: b.env, stdio: 'ignore' })
}

/** The processes `pid` started (from /proc): a worker's running step and its waiting hosts. */
function childrenOf(pid: number): number[] {
  const kids: number[] = []
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue
    try { if (Number(readFileSync(`/proc/${d}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')[1]) === pid) kids.push(Number(d)) } catch { /* gone */ }
  }
  return kids
}

const read = (b: FlowBox, name: string): string => { try { return readFileSync(join(b.dir, name), 'utf8') } catch { return '' } }

/** ` --db URL` for the PostgreSQL backend, nothing for SQLite (the box's own file). A database of
 *  its own for each test: this process keeps the queue it added steps to open. */
async function dbOf(be: Backend): Promise<string> {
  if (be.name === 'sqlite') return ''
  await be.fresh()
  return ` --db '${await be.server!.createDatabase()}'`
}

const all = backends('flow workers', test)
for (const be of all) {
  test(`${be.name}: kill -9 of the worker mid-step: its step dies with it, then runs again (attempt 2), never twice at once`, async () => {
    const b = flowBox()
    const db = await dbOf(be)
    // The step records its attempt and the pid of the program it runs; that program is still running
    // when the worker dies.
    b.write('w.fsh', 'step slow --retries 1 { sh -c \'echo "$FLOW_ATTEMPT $$" >> starts.txt; exec sleep 1.5\'; echo done >> done.txt }\n')
    const id = (await b.sh.run(`flow run${db} w.fsh`)).stdout.trim()
    const first = worker(b, db)
    const [, pid] = (await until(() => read(b, 'starts.txt').trim(), 'the first attempt')).split(' ')
    // The step's process and the hosts started ahead for the next steps.
    const hosts = await until(() => { const k = childrenOf(first.pid!); return k.length >= 2 && k }, 'the worker to start its next step hosts')
    first.kill('SIGKILL')
    await until(() => !alive(Number(pid)), "the first attempt's process to die with its worker", 5000)
    await until(() => hosts.every(h => !alive(h)), 'the waiting hosts to die with their worker', 5000)
    assert.is(read(b, 'done.txt'), '')
    const second = worker(b, db)
    try {
      const end = await b.sh.run(`flow tail${db} ${id}`)
      assert.is(end.exitCode, 0, end.stdout + end.stderr)
      assert.match(end.stdout, /\[slow\] LOST \(attempt 1 lost: its worker stopped \(lease expired\)\)\n\[slow\] START \(attempt 2\)\n\[slow\] OK/, end.stdout)
      assert.equal(read(b, 'starts.txt').trim().split('\n').map(l => l.split(' ')[0]), ['1', '2'])
      assert.is(read(b, 'done.txt'), 'done\n')
    } finally {
      await stop(second)
    }
  })

  test(`${be.name}: cancel: SIGTERM to the running step, SIGKILL after the grace when it ignores it; the rest is cancelled`, async () => {
    const b = flowBox()
    const db = await dbOf(be)
    b.write('c.fsh', [
      'step stubborn { sh -c \'trap "" TERM; echo $$ > pid.txt; exec sleep 30\' }',
      'step later --needs stubborn { touch later.txt }',
    ].join('\n'))
    const id = (await b.sh.run(`flow run${db} c.fsh`)).stdout.trim()
    const w = worker(b, db)
    try {
      const pid = Number(await until(() => read(b, 'pid.txt').trim(), 'the step to start'))
      const t0 = Date.now()
      const r = await b.sh.run(`flow cancel${db} --grace 500ms ${id}`)
      assert.ok(Date.now() - t0 >= 500, 'it waited for the grace period')
      assert.not.ok(alive(pid), 'the step ignoring SIGTERM was killed')
      assert.equal(r.records.map((s: any) => [s.step, s.status]), [['stubborn', 'cancelled'], ['later', 'cancelled']])
      assert.match(String((r.records[0] as any).error), 'cancelled by flow cancel: SIGKILL after 500ms', JSON.stringify(r.records))
      assert.not.ok(existsSync(join(b.dir, 'later.txt')))
      const end = await b.sh.run(`flow tail${db} ${id}`)
      assert.is(end.exitCode, 1)
      assert.match(end.stdout, `run ${id} cancelled`)
    } finally {
      await stop(w)
    }
  })
}

test.after(() => { for (const be of all) be.cleanup() })

test.run()
