// The REPL's screen as frames (ink-testing-library), driven by the bytes a terminal would send,
// on a real shell running real commands in a temporary folder.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import React from 'react'
import { render } from 'ink-testing-library'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as wait } from 'node:timers/promises'
import { CommandSet } from '../../src/builtins.ts'
import { defineCommand } from '../../src/runtime/command.ts'
import type { IO } from '../../src/runtime/scope.ts'
import { Shell } from '../../src/runtime/shell.ts'
import { batch } from '../../src/base/values.ts'
import { HistoryStore } from '../../src/state/history.ts'
import { KeyDecoder } from '../../src/repl/keys.ts'
import { ScreenOut } from '../../src/repl/screen-out.ts'
import { ReplSession, type Terminal } from '../../src/repl/session.ts'
import { makeTheme } from '../../src/repl/theme.ts'
import { liveLines, ReplView } from '../../src/repl/view.tsx'
import pipe from '../../commands/pipe/index.ts'
import loop from '../../commands/loop/index.ts'

const theme = makeTheme(false)

const deploy = defineCommand({
  name: 'deploy',
  summary: 'Ship a build',
  flags: {
    env: { type: 'string', describe: 'Where to ship', choices: ['staging', 'prod'] },
    'dry-run': { type: 'boolean', describe: 'Only say what would happen' },
  },
  run() {},
})
const trickle = defineCommand({
  name: 'trickle',
  summary: 'test: records one by one, 60 ms apart',
  args: [{ name: 'n', type: 'int', describe: 'how many' }],
  output: 'records',
  async *run(ctx) {
    for (let i = 1; i <= ctx.args[0]; i++) {
      yield { n: i, word: 'w'.repeat(i) }
      await wait(60, undefined, { signal: ctx.signal })
    }
  },
})
const work = defineCommand({
  name: 'work',
  summary: 'test: reports progress, then waits',
  async run(ctx) {
    ctx.progress(50, 100, 'items')
    await wait(10_000, undefined, { signal: ctx.signal })
  },
})
const steps = defineCommand({
  name: 'steps',
  summary: 'test: two live lines, then waits',
  async run(ctx) {
    let n = 0
    const remove = ctx.live(() => [`step one ${++n}`, 'step two'])
    await wait(10_000, undefined, { signal: ctx.signal }).catch(() => {})
    remove?.()
  },
})
const rows = defineCommand({
  name: 'rows',
  summary: 'test: N records at once',
  args: [{ name: 'n', type: 'int', describe: 'how many' }],
  output: 'records',
  async *run(ctx) {
    yield batch(Array.from({ length: ctx.args[0] }, (_, i) => ({ id: i, name: `row-${i}` })))
  },
})

class FakeTerminal implements Terminal {
  written = ''
  released = 0
  cleared = 0
  write(c: Uint8Array | string) { this.written += typeof c === 'string' ? c : Buffer.from(c).toString() }
  async release() { this.released++ }
  async reclaim() {}
  clearScreen() { this.cleared++ }
  columns() { return 100 }
  rows() { return 24 }
  terminalIO(): IO & { finish(): void } {
    const out = new ScreenOut({ writer: { write: c => this.write(c) }, theme, columns: () => 100, partialLines: false })
    return { source: { t: 'none' }, out, err: out.err, finish: () => out.end() }
  }
}

async function setup(opts: { history?: string[] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'fsh-'))
  mkdirSync(join(dir, 'logs'))
  writeFileSync(join(dir, 'logs', 'web.log'), '')
  const commands = new CommandSet()
  for (const c of [deploy, trickle, work, rows, steps, pipe, loop]) commands.add(c)
  const shell = new Shell({ commands, cwd: dir, env: { HOME: dir, PATH: process.env.PATH ?? '/usr/bin:/bin' }, home: { config: join(dir, 'h'), state: join(dir, 'h', 'state') } })
  const term = new FakeTerminal()
  const session = new ReplSession({ shell, terminal: term, theme, history: new HistoryStore(join(dir, 'h', 'state', 'history.ndjson')) })
  await session.loadHistory()
  for (const l of opts.history ?? []) session.history.add(l)
  const view = render(<ReplView session={session} theme={theme} />)
  const decoder = new KeyDecoder()
  /** Keys as a terminal sends them; resolves once the view has drawn them. */
  const keys = async (s: string) => {
    for (const ev of [...decoder.push(Buffer.from(s)), ...decoder.flush()]) session.handle(ev)
    await wait(1)
  }
  const frame = () => view.lastFrame() ?? ''
  /** The line being edited, exactly (frames lose trailing spaces). */
  const line = () => session.getSnapshot().text
  /** The live area: the last lines of the frame. */
  const live = () => frame().split('\n').filter(l => l.trim())
  return { dir, shell, term, session, view, keys, frame, live, line }
}

async function until(what: () => boolean, ms = 15_000, show?: () => string): Promise<void> {
  const t0 = Date.now()
  while (!what()) {
    if (Date.now() - t0 > ms) throw new Error('timed out' + (show ? ': ' + JSON.stringify(show()) : ''))
    await wait(10)
  }
}

test('the prompt shows where we are; typed text and the editing keys act on the line', async () => {
  const r = await setup()
  assert.ok(r.frame().includes('❯'), r.frame())
  await r.keys('echo hello world')
  assert.is(r.line(), 'echo hello world')
  await r.keys('\x17') // Ctrl-W
  assert.ok(r.line() === 'echo hello ')
  await r.keys('\x01X') // Ctrl-A, then X at the start
  assert.ok(r.line() === 'Xecho hello ')
  await r.keys('\x05\x1b[1;5Dbig \x1bb') // Ctrl-E, Ctrl-←, type, Alt-B
  assert.ok(r.line() === 'Xecho big hello ', r.frame())
  await r.keys('\x0b') // Ctrl-K
  assert.ok(r.line() === 'Xecho ', r.frame())
  await r.keys('\x19') // Ctrl-Y
  assert.ok(r.line() === 'Xecho big hello ')
  r.view.unmount()
})

test('the cursor sits where the editing happens', async () => {
  const r = await setup()
  await r.keys('ls -la\x1b[D\x1b[D')
  const s = r.session.getSnapshot()
  const { cursor } = liveLines(s, theme)
  assert.equal(cursor, { x: s.prompt.width + 4, y: 0 })
  r.view.unmount()
})

test('Tab: one match completes, several open a menu with the descriptions from the definition', async () => {
  const r = await setup()
  await r.keys('depl\t')
  await until(() => r.line() === 'deploy ', 3000, r.frame)
  await r.keys('--\t')
  await until(() => r.frame().includes('Where to ship'))
  assert.match(r.frame(), /--env VALUE\s+Where to ship \[staging\|prod\]/)
  assert.match(r.frame(), /--dry-run\s+Only say what would happen/)
  await r.keys('\t')
  await until(() => r.line() === 'deploy --env ')
  await r.keys('\r') // Enter takes the choice, closes the menu, runs nothing
  assert.not.ok(r.frame().includes('Where to ship'))
  await r.keys('p\t')
  await until(() => r.line() === 'deploy --env prod ')
  r.view.unmount()
})

test('paths complete from the working folder, with / after a folder', async () => {
  const r = await setup()
  await r.keys('ls lo\t')
  await until(() => r.line() === 'ls logs/')
  await r.keys('\t')
  await until(() => r.line() === 'ls logs/web.log ')
  r.view.unmount()
})

test('↑ recalls by prefix; Ctrl-R searches, Enter runs the match', async () => {
  const r = await setup({ history: ['echo one', 'rows 2', 'echo two'] })
  await r.keys('\x1b[A')
  await until(() => r.line() === 'echo two', undefined, r.line)
  await r.keys('\x15rows\x1b[A') // Ctrl-U, then a prefix
  await until(() => r.line() === 'rows 2', undefined, r.line)
  await r.keys('\x15\x12one')
  await until(() => r.live().some(l => l === 'search history: one') && r.live().some(l => l.endsWith('❯ echo one')), undefined, r.frame)
  await r.keys('\r')
  await until(() => r.term.written.includes('one\n'))
  await r.keys('\x12zzz')
  await until(() => r.live().some(l => l.startsWith('no match: zzz')), undefined, r.frame)
  await r.keys('\x07') // Ctrl-G gives up
  await until(() => !r.frame().includes('no match'), undefined, r.frame)
  r.view.unmount()
})

test('↑ pressed before the saved history has loaded waits for it, and keys after it keep their order', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fsh-'))
  const file = join(dir, 'history.ndjson')
  const store = new HistoryStore(file)
  await store.add({ cmd: 'echo saved-before', ts: 1 })
  const shell = new Shell({ commands: new CommandSet(), cwd: dir, env: { HOME: dir }, home: { config: dir, state: dir } })
  const session = new ReplSession({ shell, terminal: new FakeTerminal(), theme, history: store })
  const decoder = new KeyDecoder()
  for (const ev of decoder.push(Buffer.from('\x1b[A!'))) session.handle(ev)
  assert.is(session.getSnapshot().text, '', 'nothing yet')
  await session.loadHistory()
  assert.is(session.getSnapshot().text, 'echo saved-before!')
})

test('a pipeline runs: its table is written above, the line stays above the prompt', async () => {
  const r = await setup()
  await r.keys('rows 3 | first 2\r')
  await until(() => r.term.written.includes('row-1'))
  assert.is(r.term.written, 'id  name\n 0  row-0\n 1  row-1\n')
  assert.ok(r.frame().includes('❯ rows 3 | first 2'), 'the command line stays (in <Static>)')
  assert.is(r.term.released, 0, 'builtins only: the screen is not given away')
  await until(() => r.session.getSnapshot().phase === 'edit')
  r.view.unmount()
})

test("the REPL's table: sizes and times for people, the header again under a table taller than the screen; --json stays exact", async () => {
  const r = await setup()
  const when = new Date(2026, 11, 7, 9, 5, 3).toISOString()
  const file = (n: number) => Array.from({ length: n }, (_, i) => JSON.stringify({ id: i + 1, size: 475750, modified: when }) + '\n').join('')
  for (const n of [1, 3, 30]) writeFileSync(join(r.dir, `files${n}.ndjson`), file(n))
  await r.keys('open files30.ndjson\r')
  await until(() => r.session.getSnapshot().phase === 'edit' && r.term.written.includes('30'))
  const lines = r.term.written.trimEnd().split('\n')
  assert.is(lines[0], 'id      size  modified')
  assert.is(lines[1], ' 1  464.6 KB  2026-12-07 09:05:03')
  assert.is(lines.at(-1), lines[0], 'taller than the 24-line screen: the names again at the bottom')
  r.term.written = ''
  await r.keys('open files3.ndjson\r')
  await until(() => r.session.getSnapshot().phase === 'edit' && r.term.written.includes(' 3 '))
  assert.not.match(r.term.written, /id +size +modified\n$/, 'a short table has one header')
  r.term.written = ''
  await r.keys('open files1.ndjson --json\r')
  await until(() => r.term.written.includes('}'))
  assert.match(r.term.written, /"size":475750,"modified":"2026-12-07T\d\d:05:03\.000Z"/)
  r.view.unmount()
})

test('a slow stream: rows show as they come, in one table, with a status line meanwhile', async () => {
  const r = await setup()
  await r.keys('trickle 8\r')
  await until(() => r.term.written.includes('w\n'))
  const early = r.term.written
  assert.ok(early.startsWith('n  word\n1  w\n'), JSON.stringify(early))
  await until(() => r.live().some(l => / rows · Ctrl-C stops/.test(l)))
  await until(() => r.session.getSnapshot().phase === 'edit')
  assert.is(r.term.written.split('\n').filter(l => l.startsWith('n ')).length, 1, 'one header: one table')
  assert.ok(r.term.written.includes('8  wwwwwwww'))
  r.view.unmount()
})

test('Ctrl-C stops the running line and the shell goes on; typed-ahead text is kept', async () => {
  const r = await setup()
  await r.keys('sleep 30\r')
  await until(() => r.session.getSnapshot().phase === 'run')
  await r.keys('echo next')
  assert.is(r.line(), 'echo next', 'keys still echo while it runs')
  assert.ok(r.frame().endsWith('echo next'))
  const t0 = Date.now()
  await r.keys('\x03')
  await until(() => r.session.getSnapshot().phase === 'edit')
  assert.ok(Date.now() - t0 < 1000)
  assert.is(r.shell.lastExit, 130)
  assert.ok(r.frame().includes('[130] ❯ echo next'), r.frame())
  r.view.unmount()
})

test('Ctrl-C typed right after Enter, before the line has started, stops it: nothing runs, the prompt says [130]', async () => {
  const r = await setup()
  // Keys typed before the editor was ready arrive at once: the line, its Enter and the Ctrl-C.
  for (const line of ['sleep 30', '^sleep 30']) {
    r.shell.lastExit = 0
    const t0 = Date.now()
    await r.keys(`${line}\r\x03`)
    await until(() => r.shell.lastExit === 130 && r.session.getSnapshot().phase === 'edit', 3000, r.frame)
    assert.ok(Date.now() - t0 < 1000, `${line}: stopped at once`)
    assert.ok(r.frame().endsWith('[130] ❯'), r.frame())
  }
  assert.not.ok(r.frame().includes('^C'), 'the Ctrl-C is not taken for one at an empty prompt')
  assert.is(r.term.released, 0, 'the program never got the terminal')
  r.view.unmount()
})

test('a line typed ahead with Enter runs after the current one', async () => {
  const r = await setup()
  await r.keys('sleep 200ms\r')
  await r.keys('echo after\r')
  assert.ok(r.live().some(l => l === 'next: echo after'))
  await until(() => r.term.written.includes('after\n'))
  r.view.unmount()
})

test('progress from ctx.progress: a bar with the count', async () => {
  const r = await setup()
  await r.keys('work\r')
  await until(() => r.live().some(l => l.includes('50%')))
  const line = r.live().find(l => l.includes('50%'))!
  assert.match(line, /^work █+░+ 50% 50\/100 items/)
  await r.keys('\x03')
  await until(() => r.session.getSnapshot().phase === 'edit')
  r.view.unmount()
})

test('ctx.live: a command\'s lines share the live area, redrawn while it runs, gone when it ends', async () => {
  const r = await setup()
  await r.keys('steps\r')
  await until(() => r.live().some(l => l.startsWith('step one')), 5000, r.frame)
  const first = r.live().find(l => l.startsWith('step one'))!
  assert.ok(r.live().includes('step two'), r.frame())
  await until(() => !r.live().includes(first), 5000, r.frame) // read again at each redraw
  await r.keys('\x03')
  await until(() => r.session.getSnapshot().phase === 'edit')
  assert.not.ok(r.live().some(l => l.startsWith('step')), r.frame())
  r.view.unmount()
})

test(':loop with 10,000 pasted lines: the editor draws at once and keeps up with keys', async () => {
  const r = await setup()
  await r.keys(':loop\r')
  await until(() => r.session.getSnapshot().prompt.text.length > 0 && !!r.session.getSnapshot().hint, 5000, r.frame)
  const code = Array.from({ length: 10_000 }, (_, i) => `console.log(${i})`).join('\n')
  const t0 = performance.now()
  await r.keys(`\x1b[200~${code}\x1b[201~`)
  await until(() => r.frame().includes('console.log(9999)'), 10_000, r.frame)
  // Generous for a loaded machine; a cost per line per line would take far longer.
  const pasted = performance.now() - t0
  assert.ok(pasted < 3000, `the paste drawn in ${pasted.toFixed(0)}ms`)
  assert.is(r.session.getSnapshot().text.split('\n').length, 10_000, 'every line is kept')
  assert.ok(r.frame().split('\n').length <= 24, 'only what fits the screen is drawn')
  const t1 = performance.now()
  await r.keys('\x1b[A\x1b[A\x1b[A')
  assert.ok(performance.now() - t1 < 1000, `keys move at once (${(performance.now() - t1).toFixed(0)}ms)`)
  await r.keys('\x03')
  await until(() => r.session.getSnapshot().text === '', 5000, r.frame)
  r.view.unmount()
})

test('pipe in the REPL shows its per-step live view', async () => {
  const r = await setup()
  await r.keys("pipe --step 'sleep 0.3' --step 'sleep 30'\r")
  await until(() => r.live().some(l => / 2 {2}running .* sleep 30$/.test(l)) && r.live().some(l => /^. +1 {2}\w+ .* sleep 0\.3$/.test(l)), 10_000, r.frame)
  await r.keys('\x03')
  await until(() => r.session.getSnapshot().phase === 'edit', 10_000, r.frame)
  assert.not.ok(r.live().some(l => /sleep 30$/.test(l)), 'the view leaves with the pipeline')
  r.view.unmount()
})

test('an open block keeps reading lines; the whole block runs at the end', async () => {
  const r = await setup()
  await r.keys('for x in a b {\r')
  assert.ok(r.live().some(l => l.startsWith('… ')) || r.frame().split('\n').pop() === '…', r.frame())
  await r.keys('echo $x\r}\r')
  await until(() => r.term.written === 'a\nb\n')
  r.view.unmount()
})

test('a syntax error is named under the line as you type', async () => {
  const r = await setup()
  await r.keys('echo )')
  assert.ok(r.live().some(l => l.startsWith('syntax error at 1:6')), r.frame())
  r.view.unmount()
})

test('meta commands: :help, :history, and an unknown one says so in one line', async () => {
  const r = await setup({ history: ['echo one'] })
  await r.keys(':help\r')
  await until(() => r.term.written.includes('Meta commands'))
  await r.keys(':history\r')
  await until(() => /\d+ {2}echo one\n/.test(r.term.written))
  r.term.written = ''
  await r.keys(':nope\r')
  await until(() => r.term.written.length > 0)
  assert.is(r.term.written, "fsh: unknown meta command ':nope' (:help lists them)\n")
  assert.is(r.shell.lastExit, 2)
  await r.keys(':clear\r')
  await until(() => r.term.cleared === 1)
  r.view.unmount()
})

test('the prompt shows how long a command over 2 s took, and forgets it after a meta command', async () => {
  const r = await setup()
  await r.keys('sleep 2100ms\r')
  await until(() => /2\.\d\ds ❯/.test(r.frame()), 5000, r.frame)
  await r.keys(':nope\r')
  await until(() => r.shell.lastExit === 2)
  await until(() => /^~ \[2\] ❯/.test(r.live().at(-1) ?? ''), 3000, r.frame)
  r.view.unmount()
})

test('a pasted block of many lines is one edit, run only on Enter', async () => {
  const r = await setup()
  const lines = Array.from({ length: 2000 }, (_, i) => `echo ${i}`)
  await r.keys(`\x1b[200~${lines.join('\n')}\x1b[201~`)
  assert.is(r.term.written, '', 'nothing ran')
  assert.ok(r.live().length <= 24, 'the live area stays within the terminal')
  assert.match(r.frame(), /↑ \d+ more lines/)
  await r.keys('\r')
  await until(() => r.term.written.endsWith('1999\n'), 10_000)
  assert.is(r.term.written.split('\n').length, 2001)
  r.view.unmount()
})

test('Ctrl-D on an empty line ends the session with the last status', async () => {
  const r = await setup()
  await r.keys('echo x\x04') // not empty: Ctrl-D deletes (nothing under the cursor)
  assert.is(r.line(), 'echo x')
  await r.keys('\x15false\r')
  await until(() => r.shell.lastExit === 1)
  await r.keys('\x04')
  assert.is(await r.session.exited, 1)
  r.view.unmount()
})

test.run()
