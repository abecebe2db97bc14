// A full disk under the logs: an event says so, the child keeps running, the daemon keeps answering.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { ask, connectDaemon, request } from '../../src/pilot/client.ts'
import { PilotDaemon } from '../../src/pilot/daemon.ts'
import { DEFAULT_BACKOFF, type ProgramSpec } from '../../src/pilot/spec.ts'
import { mountSmallDisk } from '../small-disk.ts'
import { alive, until } from '../wait.ts'

test('logs on a full disk: an event, the child goes on, ls still answers', async () => {
  const disk = mountSmallDisk('pilot logs on a full disk', '1m')
  if (!disk) return
  const daemon = await PilotDaemon.open(disk.dir)
  const env = { ...(process.env as Record<string, string>) }
  const following = new AbortController()
  try {
    const connect = async () => (await connectDaemon(disk.dir, env, false))!
    // A follower gets each event as it happens, also when the database on the full disk cannot keep it.
    const reasons: string[] = []
    const follow = (async () => {
      for await (const m of ask(await connect(), { op: 'events', follow: true }, following.signal)) if (m.event) reasons.push((m.event as { reason: string }).reason)
    })()
    const spec: ProgramSpec = {
      // About 2 MB of lines, then it waits: the first MB fills the disk.
      name: 'chatty', command: ['sh', '-c', 'i=0; while [ $i -lt 20 ]; do head -c 100000 /dev/zero | tr "\\0" x | fold -w 99; i=$((i+1)); done; sleep 30'],
      cwd: disk.dir, env, restart: 'never', maxRestarts: 0, backoff: DEFAULT_BACKOFF, minUptimeMs: 0,
      healthIntervalMs: 1000, killTimeoutMs: 2000, maxLogSize: 1e9, maxLogFiles: 1, waitReady: false, timestamps: false, instances: 1,
    }
    const started = await request(await connect(), { op: 'start', spec })
    const pid = (started.rows as { pid: number }[])[0]!.pid
    const full = await until(() => reasons.find(r => r.includes('ENOSPC')), 'the full disk to be noticed')
    assert.match(full, /cannot write .*chatty\.out\.log: ENOSPC.*output is dropped until writes succeed again \(the child keeps running\)/)
    const rows = (await request(await connect(), { op: 'ls' })).rows as { status: string; pid: number }[]
    assert.equal(rows.map(r => [r.status, r.pid]), [['online', pid]])
    assert.ok(alive(pid), 'the child keeps running')
    following.abort()
    await follow
  } finally {
    following.abort()
    await daemon.shutdown('test over')
    disk.unmount()
  }
})

test.run()
