// With no FIFO to be made anywhere (no mkfifo, no writable temp dir), externals are connected
// through Node's own pipes: the same bytes, backpressure, and a quiet end when a reader goes away.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createShell } from '../../src/index.ts'
import { fifoPlaces } from '../../src/runtime/os-pipe.ts'

const dir = mkdtempSync(join(tmpdir(), 'fsh-nodepipe-'))
const env = { ...(process.env as Record<string, string>), FSH_HOME: join(dir, 'home') }
const saved = { ...fifoPlaces }
test.before(() => { fifoPlaces.dirs = () => [join(dir, 'nonexistent')]; fifoPlaces.programs = [join(dir, 'no-mkfifo')] })
test.after(() => { Object.assign(fifoPlaces, saved); rmSync(dir, { recursive: true, force: true }) })

const shell = createShell({ cwd: dir, env })

test('externals into externals, builtins and back', async () => {
  for (const [line, out] of [
    ['^echo hi | ^cat', 'hi\n'],
    ['^seq 200000 | ^cat | ^wc -l', '200000\n'],
    ['^seq 200000 | ^cat | ^tail -1', '200000\n'],
    ['echo a b | ^cat', 'a b\n'],
    ['^seq 3 | lines | count', '3\n'],
    ['^sh -c "echo out; sleep 0.1; echo err >&2" 2>&1 | ^cat', 'out\nerr\n'],
    ['^printf "b\\na\\n" | ^sort | lines | to ndjson | ^cat', '{"line":"a"}\n{"line":"b"}\n'],
  ]) {
    const r = await shell.run(line!)
    assert.is(r.stderr, '', line)
    assert.is(r.stdout, out, line)
    assert.is(r.exitCode, 0, line)
  }
})

test('a reader that stops early ends the writer quietly, as SIGPIPE does', async () => {
  for (const line of ['^yes | ^head -1', '^yes | first 1', '^yes | ^cat | ^head -1', '^yes | ^cat < /dev/null']) {
    const r = await shell.run(line)
    assert.is(r.stderr, '', line)
    assert.is(r.exitCode, 0, line)
  }
  const r = await shell.run('pipe --step "^yes" --step "^head -1"')
  assert.match(r.stderr, /141\s+SIGPIPE/)
})

test.run()
