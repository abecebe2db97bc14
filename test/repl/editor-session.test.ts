// The line editor in a real session (no screen): autosuggestions, history search, completion,
// abbreviations and undo, driven by the bytes a terminal sends, on a real shell in a temp folder.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as wait } from 'node:timers/promises'
import { CommandSet } from '../../src/builtins.ts'
import type { IO } from '../../src/runtime/scope.ts'
import { Shell } from '../../src/runtime/shell.ts'
import { HistoryStore } from '../../src/state/history.ts'
import { KeyDecoder } from '../../src/repl/keys.ts'
import { ScreenOut } from '../../src/repl/screen-out.ts'
import { ReplSession, type Terminal } from '../../src/repl/session.ts'
import { makeTheme } from '../../src/repl/theme.ts'
import { searchRows } from '../../src/repl/view.tsx'

const root = mkdtempSync(join(tmpdir(), 'fsh-editor-'))
test.after(() => rmSync(root, { recursive: true, force: true }))
/** No colours, but faint text: suggestions are drawn. */
const theme = makeTheme(false, true)
let n = 0

class NullTerminal implements Terminal {
  written = ''
  write(c: Uint8Array | string) { this.written += typeof c === 'string' ? c : Buffer.from(c).toString() }
  async release() {}
  async reclaim() {}
  clearScreen() {}
  columns() { return 100 }
  rows() { return 24 }
  terminalIO(): IO & { finish(): void } {
    const out = new ScreenOut({ writer: { write: c => this.write(c) }, theme, columns: () => 100, partialLines: false })
    return { source: { t: 'none' }, out, err: out.err, finish: () => out.end() }
  }
}

async function setup(opts: { history?: [string, string?][]; files?: string[]; config?: string; configLimitMs?: number; store?: string } = {}) {
  const dir = join(root, String(++n))
  mkdirSync(dir)
  for (const f of opts.files ?? []) {
    mkdirSync(join(dir, f, '..'), { recursive: true })
    writeFileSync(join(dir, f), '')
  }
  const shell = new Shell({ commands: new CommandSet(), cwd: dir, env: { HOME: dir, PATH: '/usr/bin:/bin' }, home: { config: join(dir, 'h'), state: join(dir, 'h', 'state') } })
  const term = new NullTerminal()
  const session = new ReplSession({ shell, terminal: term, theme, history: opts.store === undefined ? undefined : new HistoryStore(opts.store) })
  if (opts.config !== undefined) {
    mkdirSync(join(dir, 'h'), { recursive: true })
    writeFileSync(join(dir, 'h', 'config.fsh'), opts.config)
    await session.configure(opts.configLimitMs)
  }
  await session.loadHistory()
  for (const [l, cwd] of opts.history ?? []) session.history.add(l, cwd ?? '/elsewhere')
  const decoder = new KeyDecoder()
  const keys = async (s: string) => {
    for (const ev of [...decoder.push(Buffer.from(s)), ...decoder.flush()]) session.handle(ev)
    await wait(1)
  }
  const snap = () => session.getSnapshot()
  /** The text as drawn: what is typed, then the suggestion in brackets. */
  const drawn = () => snap().segments.map(s => (s.style === 'suggestion' ? `[${s.text}]` : s.text)).join('')
  return { dir, shell, term, session, keys, snap, drawn }
}

async function until(what: () => boolean, show: () => unknown = () => '', ms = 5000): Promise<void> {
  const t0 = Date.now()
  while (!what()) {
    if (Date.now() - t0 > ms) throw new Error('timed out: ' + JSON.stringify(show()))
    await wait(5)
  }
}

const RIGHT = '\x1b[C'
const ALT_RIGHT = '\x1b[1;3C'
const END = '\x1b[F'

test('a suggestion from history is drawn after the cursor and is not part of the line; → takes it', async () => {
  const r = await setup({ history: [['git commit -m first'], ['git checkout main'], ['ls']] })
  await r.keys('git c')
  assert.is(r.drawn(), 'git c[heckout main]')
  assert.is(r.snap().text, 'git c', 'the suggestion is not typed text')
  assert.is(r.snap().cursor, 5)
  await r.keys(RIGHT)
  assert.is(r.snap().text, 'git checkout main')
  assert.is(r.drawn(), 'git checkout main')
})

test('End takes the whole suggestion, Alt-→ and Alt-f one word at a time', async () => {
  const r = await setup({ history: [['open web.log | where status >= 500']] })
  await r.keys('open')
  await r.keys(ALT_RIGHT)
  assert.is(r.snap().text, 'open web')
  await r.keys('\x1bf')
  assert.is(r.snap().text, 'open web.log')
  await r.keys(END)
  assert.is(r.snap().text, 'open web.log | where status >= 500')
})

test('a line run in this folder is suggested before a newer one run elsewhere', async () => {
  const r = await setup()
  r.session.history.add('make test', r.dir)
  r.session.history.add('make deploy', '/srv')
  await r.keys('make ')
  assert.is(r.drawn(), 'make [test]')
})

test('typing what the suggestion says keeps it; typing something else drops it; no suggestion mid-line', async () => {
  const r = await setup({ history: [['echo hello world']] })
  await r.keys('echo h')
  assert.is(r.drawn(), 'echo h[ello world]')
  await r.keys('el')
  assert.is(r.drawn(), 'echo hel[lo world]')
  await r.keys('p')
  assert.is(r.drawn(), 'echo help')
  await r.keys('\x7f\x1b[D')
  assert.is(r.drawn(), 'echo hel', 'the cursor is not at the end')
})

test('without history, completion suggests the rest of a file name', async () => {
  const r = await setup({ files: ['notes-2026.md'] })
  await r.keys('cat no')
  await until(() => r.drawn() === 'cat no[tes-2026.md]', r.drawn)
  await r.keys(RIGHT)
  assert.is(r.snap().text, 'cat notes-2026.md')
})

test('without faint text (TERM=dumb) nothing is suggested', async () => {
  const r = await setup({ history: [['echo hello']] })
  const plain = new ReplSession({ shell: r.shell, terminal: r.term, theme: makeTheme(false, false) })
  plain.history.add('echo hello')
  plain.handle({ t: 'text', text: 'echo h' })
  assert.equal(plain.getSnapshot().segments.filter(s => s.style === 'suggestion'), [])
})

test('Ctrl-R lists the matches newest first; arrows move through them, the line shows the chosen one; Esc gives up', async () => {
  const r = await setup({ history: [['open a.log | first 1'], ['ls'], ['open b.log | count'], ['echo open']] })
  await r.keys('draft')
  await r.keys('\x12open')
  const search = () => r.snap().search!
  assert.equal(search().matches.map(m => m.line), ['echo open', 'open b.log | count', 'open a.log | first 1'])
  assert.is(search().selected, 0)
  assert.is(r.snap().text, 'echo open')
  await r.keys('\x1b[A\x1b[A')
  assert.is(search().selected, 2)
  assert.is(r.snap().text, 'open a.log | first 1')
  await r.keys('\x1b[A')
  assert.is(search().selected, 2, 'the oldest stays chosen')
  await r.keys('\x1b[B')
  assert.is(r.snap().text, 'open b.log | count')
  await r.keys('\x1b')
  assert.is(r.snap().search, undefined)
  assert.is(r.snap().text, 'draft', 'what was typed before comes back')
  await r.keys('\x12b.lo\x07')
  assert.is(r.snap().text, 'draft', 'Ctrl-G too')
})

test('the Ctrl-R list marks the chosen line and underlines the match in each', () => {
  const matches = [{ line: 'echo open', index: 3, at: 5 }, { line: 'open b.log', index: 1, at: 0 }]
  assert.equal(searchRows({ query: 'open', failed: false, matches, selected: 1 }, 40, 10, makeTheme(false)), ['  echo open', '❯ open b.log'])
  const coloured = searchRows({ query: 'open', failed: false, matches, selected: 0 }, 40, 10, makeTheme(true))
  assert.ok(coloured[1]!.includes('\x1b[4mopen\x1b[24m'), JSON.stringify(coloured))
})

test('Enter in the Ctrl-R list runs the chosen line', async () => {
  const r = await setup({ history: [['echo from-a'], ['echo from-b']] })
  await r.keys('\x12from-\x1b[A\r')
  await until(() => r.term.written.includes('from-a\n'), () => r.term.written)
  assert.is(r.snap().search, undefined)
})

test('↑ recalls lines containing what is typed, anywhere in them', async () => {
  const r = await setup({ history: [['open web.log | count'], ['ls'], ['tail web.log']] })
  await r.keys('web.log\x1b[A')
  assert.is(r.snap().text, 'tail web.log')
  await r.keys('\x1b[A')
  assert.is(r.snap().text, 'open web.log | count')
  await r.keys('\x1b[B\x1b[B')
  assert.is(r.snap().text, 'web.log')
})

test('Tab: `otes` completes to notes.md; a menu of many moves with ↓ ↑ → ←', async () => {
  const r = await setup({ files: ['notes.md', 'a1.txt', 'a2.txt', 'a3.txt'] })
  await r.keys('cat otes\t')
  await until(() => r.snap().text === 'cat notes.md ', () => r.snap().text)
  await r.keys('\x15cat a\t')
  await until(() => r.snap().menu !== undefined, () => r.snap())
  const menu = () => r.snap().menu!.selected
  await r.keys('\x1b[B')
  assert.is(menu(), 0)
  assert.is(r.snap().text, 'cat a1.txt ')
  await r.keys('\x1b[C\x1b[C')
  assert.is(menu(), 2, 'the names fit on one row: → goes to the next')
  assert.is(r.snap().text, 'cat a3.txt ')
  await r.keys('\x1b[D\x1b[A')
  assert.is(menu(), 0)
  await r.keys('\r')
  assert.is(r.snap().menu, undefined)
  assert.is(r.snap().text, 'cat a1.txt ', 'Enter keeps the choice and closes the menu')
})

test('config.fsh: alias, abbr expanded on space and Enter, a prompt and a right prompt from def, theme', async () => {
  const r = await setup({ config: [
    '# my settings',
    'alias hi = echo hello-from-alias',
    'abbr gco git checkout',
    'abbr e echo',
    "def prompt [] { echo 'P> ' }",
    "def right_prompt [] { echo 'right' }",
    'theme command red bold',
    'bind ctrl-t accept-word',
  ].join('\n') })
  assert.is(r.term.written, '', 'nothing to say')
  assert.equal(r.snap().prompt, { text: 'P> ', width: 3 })
  assert.is(r.snap().rightPrompt?.text, 'right')
  await r.keys('gco ')
  assert.is(r.snap().text, 'git checkout ')
  r.session.history.add('git checkout main -- file')
  await r.keys('\x14')
  assert.is(r.snap().text, 'git checkout main', 'Ctrl-T bound to take a word of the suggestion')
  await r.keys('\x15echo gco ')
  assert.is(r.snap().text, 'echo gco ', 'only in command position')
  await r.keys('\x15e abbreviated\r')
  await until(() => r.term.written.includes('abbreviated\n'), () => r.term.written)
  await r.keys('hi\r')
  await until(() => r.term.written.includes('hello-from-alias\n'), () => r.term.written)
  assert.is(r.session.history.all().at(-1), 'hi', 'the history keeps what was typed')
  assert.is(r.session.history.all().at(-2), 'echo abbreviated', 'and an abbreviation expanded')
})

test('vi mode from config.fsh: [I] and [N] in the prompt, normal-mode edits, Enter runs, k recalls; bind --emacs at the prompt ends it', async () => {
  const r = await setup({ config: 'bind --vi\n' })
  assert.is(r.term.written, '')
  assert.match(r.snap().prompt.text, /^\[I\] /)
  await r.keys('echo one two')
  await r.keys('\x1b')
  assert.match(r.snap().prompt.text, /^\[N\] /)
  assert.is(r.snap().cursor, 11, 'Esc steps back onto the last character')
  await r.keys('bdw')
  assert.is(r.snap().text, 'echo one ')
  await r.keys('Athree')
  assert.match(r.snap().prompt.text, /^\[I\] /)
  await r.keys('\x1b')
  await r.keys('\r')
  await until(() => r.term.written.includes('one three\n'), () => r.term.written)
  assert.match(r.snap().prompt.text, /^\[I\] /, 'a new line starts in insert mode')
  await r.keys('\x1b')
  await r.keys('k')
  assert.is(r.snap().text, 'echo one three')
  await r.keys('0cwprint')
  assert.is(r.snap().text, 'print one three')
  await r.keys('\x1b')
  await r.keys('ddibind --emacs\r')
  await until(() => !r.snap().prompt.text.startsWith('['), () => r.snap().prompt)
  await r.keys('ab')
  await r.keys('\x1b')
  await r.keys('x')
  assert.is(r.snap().text, 'abx', 'the usual keys again')
})

test('vi mode: k reads what another shell saved first, as ↑ does', async () => {
  const store = join(root, `shared-${n}.ndjson`)
  const r = await setup({ config: 'bind --vi\n', store })
  await new HistoryStore(store).add({ cmd: 'echo from-the-other-shell', ts: Date.now() })
  await r.keys('\x1b')
  await r.keys('k')
  await until(() => r.snap().text === 'echo from-the-other-shell', () => r.snap().text)
})

test('bind: any action on a readable key, a bad line named with its line in config.fsh, bind --list at the prompt', async () => {
  const r = await setup({ config: 'bind ctrl-b history-up\nbind ctrl-q fly\nbind f5 backward-kill-line\nbind ctrl-x-y undo\n', history: [['echo old']] })
  assert.equal(r.term.written.split('\n').filter(Boolean), [
    "fsh: config.fsh:2: bind: unknown action 'fly' (bind --list shows them)",
    "fsh: config.fsh:4: bind: unknown key 'ctrl-x-y' (keys look like ctrl-t, alt-f, ctrl-alt-left, shift-tab, f5)",
  ])
  await r.keys('\x02')
  assert.is(r.snap().text, 'echo old', 'Ctrl-B bound to the history')
  await r.keys('\x1b[15~')
  assert.is(r.snap().text, '', 'F5 cuts to the start of the line')
  await r.keys('bind --list\r')
  await until(() => r.term.written.includes('history-search'), () => r.term.written)
  assert.match(r.term.written, /^history-up +up ctrl-p ctrl-b +an older history line/m)
})

test('config.fsh that fails: each error with its line, the rest still runs; a broken prompt falls back, said once', async () => {
  const r = await setup({ config: 'let a = 1\nnosuchcmd here\ndef prompt [] { nosuchcmd-either }\ntheme nope red\nabbr ok echo ok\n' })
  const said = r.term.written.split('\n').filter(Boolean)
  assert.equal(said.slice(0, 2), ['fsh: config.fsh:2: nosuchcmd: command not found', "fsh: config.fsh:4: theme: no such kind 'nope' (command, unknown, keyword, arg, flag, number, string, variable, operator, comment, assign, path, error, plain, suggestion)"])
  assert.match(said[2]!, /^fsh: prompt: nosuchcmd-either: command not found \(the built-in prompt is used\)$/)
  assert.is(said.length, 3)
  assert.match(r.snap().prompt.text, /❯ $/)
  await r.keys('ok \x15true\r')
  await until(() => r.term.written.split('\n').filter(Boolean).length > 3 || r.session.history.all().includes('true'))
  await wait(50)
  assert.is(r.term.written.split('\n').filter(Boolean).length, 3, 'the broken prompt is not reported again')
})

test('config.fsh that never ends is stopped at the limit and the shell starts without the rest', async () => {
  const t0 = Date.now()
  const r = await setup({ config: 'abbr before echo\nwhile true { let x = 1 }\nabbr after echo\n', configLimitMs: 300 })
  assert.ok(Date.now() - t0 < 3000)
  assert.is(r.term.written, 'fsh: config.fsh:2: stopped after 0.3 s (a loop that never ends?): the shell starts without the rest of config.fsh\n')
  await r.keys('before ')
  assert.is(r.snap().text, 'echo ')
  await r.keys('\x15after ')
  assert.is(r.snap().text, 'after ')
  await r.keys('\x15echo still-alive\r')
  await until(() => r.term.written.includes('still-alive\n'), () => r.term.written)
})

test('a config.fsh that is a FIFO is not read (it would never end): said once, the shell goes on', async () => {
  const r = await setup()
  mkdirSync(join(r.dir, 'h'), { recursive: true })
  execFileSync('mkfifo', [join(r.dir, 'h', 'config.fsh')])
  await r.session.configure()
  assert.match(r.term.written, /^fsh: .*config\.fsh: not a regular file: not run\n$/)
})

test('undo: Ctrl-_ and Ctrl-Z at the prompt take back the last change', async () => {
  const r = await setup()
  await r.keys('git push')
  await r.keys('\x17')
  assert.is(r.snap().text, 'git ')
  await r.keys('\x1f')
  assert.is(r.snap().text, 'git push')
  await r.keys('\x1a')
  assert.is(r.snap().text, '', 'the text typed at once (a paste, or typed ahead) goes at once')
})

test.run()
