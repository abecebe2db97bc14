// The `:pilot` view as a person sees it: the table as the daemon reports it, refreshed, and the
// keys that restart or stop the program chosen.
import { render } from 'ink-testing-library'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { PilotView } from '../../commands/pilot/view.tsx'
import type { ProgramRow } from '../../src/pilot/daemon.ts'
import { until } from '../wait.ts'

const row = (name: string, status: string, pid: number | null, restarts = 0): ProgramRow =>
  ({ name, pid, status, restarts, uptime_s: pid ? 75 : null, rss_bytes: pid ? 2 * 1024 * 1024 : null, cpu: pid ? 1.5 : null, last_exit: restarts ? 'exited with code 1' : null })

test('a live table of the programs; ↓ then r restarts the second, s stops it, q leaves', async () => {
  let rows = [row('web', 'online', 101), row('worker', 'backoff', null, 2)]
  const acts: string[] = []
  let exited = false
  const app = render(<PilotView load={async () => rows} act={async (op, name) => { acts.push(`${op} ${name}`) }} onExit={() => { exited = true }} intervalMs={20} />)
  const shows = (what: string) => until(() => (app.lastFrame() ?? '').includes(what) && app.lastFrame(), `a frame showing ${what}`, 5000)
  try {
    const frame = await shows('worker')
    assert.match(frame, /fsh :pilot — 2 programs/)
    assert.match(frame, /web\s+101\s+online\s+0\s+1m\s+2\.0 MiB\s+1\.5%/)
    assert.match(frame, /worker\s+backoff\s+2\s+exited with code 1/)
    rows = [row('web', 'online', 101), row('worker', 'online', 202, 3)]
    await shows('202')
    await until(() => app.stdin.listenerCount('readable') > 0, 'the view to take its input')
    app.stdin.write('\u001B[B')
    await shows('› worker')
    app.stdin.write('r')
    await until(() => acts.length === 1, 'a restart')
    app.stdin.write('s')
    await until(() => acts.length === 2, 'a stop')
    assert.equal(acts, ['restart worker', 'stop worker'])
    await shows('stop worker: done')
    app.stdin.write('q')
    await until(() => exited, 'q to leave')
  } finally {
    app.unmount()
  }
})

test.run()
