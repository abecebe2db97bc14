import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { spawn, execFileSync } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { TERMINAL_BACKLOG, terminalOut } from '../../src/repl/terminal-out.ts'

const dir = mkdtempSync(join(tmpdir(), 'fsh-'))
test.after(() => rmSync(dir, { recursive: true, force: true }))

test('a producer goes on while the terminal still has a write in hand; everything arrives in order', async () => {
  // A slow reader on a pipe stands for a terminal busy drawing.
  const fifo = join(dir, 'pipe')
  const file = join(dir, 'out')
  execFileSync('mkfifo', [fifo])
  const reader = spawn('sh', ['-c', `sleep 0.2; cat "${fifo}" > "${file}"`])
  const exited = new Promise(resolve => reader.on('exit', resolve))
  const fd = openSync(fifo, 'w')
  const out = terminalOut(process.stdout, fd)
  const piece = 200 * 1024
  const left: number[] = []
  for (let k = 0; k < 8; k++) {
    out.stream.write(String.fromCharCode(97 + k).repeat(piece))
    const behind = out.ready()
    if (behind) { await behind; left.push(out.stream.writableLength) }
  }
  await out.drained()
  out.close()
  closeSync(fd)
  await exited
  // Woken with a write still going (not once all is written): the terminal keeps working while
  // the producer formats the next rows.
  assert.ok(left.some(n => n > 0), `woken with ${left.join(', ')} bytes queued`)
  for (const n of left) assert.ok(n <= TERMINAL_BACKLOG, `woken with ${n} bytes queued`)
  const got = readFileSync(file, 'utf8')
  assert.is(got.length, 8 * piece)
  assert.is(got, Array.from({ length: 8 }, (_, k) => String.fromCharCode(97 + k).repeat(piece)).join(''))
})

test.run()
