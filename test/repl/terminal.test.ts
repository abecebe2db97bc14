// The real `fsh` in a real terminal (tmux), used as a person would: type, look at the screen.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as wait } from 'node:timers/promises'
import { hasTmux, privateBuild, removePrivateBuild, Term } from './tmux.ts'
import { missingTool } from '../skips.ts'
import { psHas, until } from '../wait.ts'

const dir = mkdtempSync(join(tmpdir(), 'fsh-repl-'))
const home = join(dir, 'fsh-home')
const work = join(dir, 'work')
mkdirSync(work)
writeFileSync(join(work, 'notes.txt'), Array.from({ length: 200 }, (_, i) => `note line ${i + 1}`).join('\n') + '\n')
writeFileSync(join(work, 'people.ndjson'), [
  { name: 'ada', age: 36, city: 'London' },
  { name: 'grace', age: 45, city: 'Arlington' },
  { name: 'linus', age: 21, city: 'Helsinki' },
].map(r => JSON.stringify(r)).join('\n') + '\n')
writeFileSync(join(work, 'odd.ndjson'), JSON.stringify({ msg: 'clear \u001b[2J\u001b[H screen', big: 'x'.repeat(1024 * 1024) }) + '\n')
const env = { FSH_HOME: home, TERM: 'xterm-256color', NO_COLOR: '1', LANG: 'C.UTF-8' }
const terms: Term[] = []
const start = (o: { cols?: number; rows?: number; env?: Record<string, string>; jobControl?: boolean } = {}) => {
  const t = new Term({ cwd: work, env: { ...env, ...o.env }, cols: o.cols, rows: o.rows, jobControl: o.jobControl })
  terms.push(t)
  return t
}
/** The pid of the `sleep SECONDS` running now, if any. */
function sleepPid(seconds: string): number | undefined {
  for (const name of readdirSync('/proc').filter(n => /^\d+$/.test(n))) {
    try { if (readFileSync(`/proc/${name}/cmdline`, 'utf8') === `sleep\0${seconds}\0`) return Number(name) } catch { /* gone */ }
  }
  return undefined
}
/** A process's state letter (R, S, T…), undefined once it is gone (or a zombie). */
function procState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3)
    return state === 'Z' ? undefined : state
  } catch { return undefined }
}
/** The last line is an empty prompt: the shell waits for input. */
const idle = (s: string) => /❯\s*$/.test(s.trimEnd().split('\n').pop() ?? '')
const historyLines = () => readFileSync(join(home, 'state', 'history.ndjson'), 'utf8').trim().split('\n').map(l => JSON.parse(l).cmd as string)

test.before(() => privateBuild())
test.after(() => {
  for (const t of terms) t.kill()
  rmSync(dir, { recursive: true, force: true })
  removePrivateBuild()
})

if (!hasTmux()) {
  missingTool(test, 'the REPL terminal tests', 'tmux', 'FSH_SKIP_TMUX')
} else {
  test('type a pipeline, see the table, and the prompt comes back', async () => {
    const t = start()
    await t.waitFor(idle)
    const s = await t.run('open people.ndjson | where age > 30 | select name city', s => s.includes('grace') && idle(s))
    const lines = s.split('\n').map(l => l.trimEnd())
    const header = lines.findIndex(l => /^name\s+city$/.test(l))
    assert.ok(header > 0, s)
    assert.match(lines[header + 1]!, /^ada\s+London$/)
    assert.match(lines[header + 2]!, /^grace\s+Arlington$/)
    assert.not.ok(s.includes('linus'))
    const one = await t.run('open people.ndjson | first 1', s => /^city +London$/m.test(s) && idle(s))
    assert.match(one, /^name +ada\nage +36\ncity +London$/m, 'one record shows vertically')
    t.kill()
  })

  test('Ctrl-Z stops the program and gives the prompt back; jobs lists it stopped; bg and fg continue it', async () => {
    const t = start({ jobControl: true })
    await t.waitFor(idle)
    t.type('^sleep 31.75')
    t.keys('Enter')
    const pid = await until(() => sleepPid('31.75'), 'the program to run')
    t.keys('C-z')
    await t.waitFor(s => /^\[1\]\+  Stopped  \^sleep 31\.75$/m.test(s) && idle(s))
    assert.is(procState(pid), 'T', 'the program is stopped')
    await t.run('jobs | select id state command', s => /^id +1\nstate +stopped\ncommand +\^sleep 31\.75$/m.test(s) && idle(s)) // one record shows vertically
    await t.run('bg', s => /^\[1\]\+ \^sleep 31\.75 &$/m.test(s) && idle(s))
    await until(() => procState(pid) === 'S', 'the program to run again')
    t.type('fg')
    t.keys('Enter')
    // Nothing on the screen tells when fg has taken the job: a Ctrl-Z that comes first stops the
    // background job, which fg then continues. Press it until the job is stopped in the foreground.
    const stoppedTwice = (s: string) => s.split('\n').filter(l => l === '[1]+  Stopped  ^sleep 31.75').length === 2 && idle(s)
    for (let tries = 0; !stoppedTwice(t.screen()); tries++) {
      assert.ok(tries < 10, `fg never took the job: ${t.screen()}`)
      t.keys('C-z')
      await until(() => stoppedTwice(t.screen()), 'the job stopped in the foreground', 1500).catch(() => {})
    }
    assert.is(procState(pid), 'T', 'stopped again')
    t.type('fg %1')
    t.keys('Enter')
    await until(() => procState(pid) === 'S', 'the program to run in the foreground')
    t.keys('C-c')
    await until(() => procState(pid) === undefined, 'Ctrl-C to end it')
    await t.run('echo $?; jobs | count', s => /^130\n0$/m.test(s) && idle(s))
    t.kill()
  })

  test('Ctrl-C stops a sleep 30 (builtin or external) and never the shell', async () => {
    const t = start()
    await t.waitFor(idle)
    await t.run('sleep 30', /Ctrl-C stops/)
    let t0 = Date.now()
    t.keys('C-c')
    await t.waitFor(s => idle(s) && s.includes('[130]'))
    assert.ok(Date.now() - t0 < 2000, 'back at once')
    t.type('^sleep 31.25')
    t.keys('Enter')
    await until(() => psHas('sleep 31.25'), 'the program to run')
    t0 = Date.now()
    t.keys('C-c')
    await t.waitFor(s => idle(s) && s.split('\n').filter(l => l.includes('[130]')).length >= 2)
    assert.ok(Date.now() - t0 < 2000)
    await until(() => !psHas('sleep 31.25'), 'the program to be gone')
    await t.run('echo still here', /^still here$/m)
    t.kill()
  })

  test('Ctrl-C stops endless recursion and an empty endless loop', async () => {
    const t = start()
    await t.waitFor(idle)
    // The editor, not the prompt drawn while it loads: only the editor completes on Tab.
    t.type('ech')
    t.keys('Tab')
    await t.waitFor(/❯ echo\b/m) // (a suggestion from history may follow it)
    t.keys('C-u')
    await t.waitFor(idle)
    let stopped = 0
    for (const line of ['def f [] { f; f }; f 2> /dev/null', 'while true { }']) {
      t.type(line)
      t.keys('Enter')
      await t.waitFor(s => s.includes(`❯ ${line}`) && !idle(s))
      // Not a settle: the runaway is let run deep before Ctrl-C (no screen state marks how deep).
      await wait(500)
      const t0 = Date.now()
      t.keys('C-c')
      stopped++
      // Unwinding a deep recursion takes a moment more on a loaded machine: a bound of seconds,
      // not a hang.
      await t.waitFor(s => idle(s) && s.split('\n').filter(l => l.includes('[130]')).length >= stopped, 10_000)
      assert.ok(Date.now() - t0 < 6000, `${line}: back at once (${Date.now() - t0} ms)`)
    }
    await t.run('echo still here', /^still here$/m)
    t.kill()
  })

  test('Ctrl-C stops a line typed at the first prompt, before the editor is ready or after it took over', async () => {
    // A home of its own with saved lines: the editor reads them as it starts.
    const own = join(dir, 'home-with-history')
    mkdirSync(join(own, 'state'), { recursive: true })
    writeFileSync(join(own, 'state', 'history.ndjson'), Array.from({ length: 200 }, (_, i) => JSON.stringify({ cmd: `echo saved-${i}`, ts: 1_700_000_000_000 + i, cwd: work, exit: 0 }) + '\n').join(''))
    const stopped = (s: string) => idle(s) && s.includes('[130]')
    // Typed at once, as keys typed while the editor loads reach it: the Ctrl-C comes before the
    // line has started (it is not one for the editor's empty line).
    const early = start({ env: { FSH_HOME: own } })
    await early.waitFor(idle)
    early.type('def f [] { f; f }; f 2> /dev/null')
    early.keys('Enter', 'C-c')
    await early.waitFor(stopped, 10_000)
    assert.not.ok(early.screen().includes('^C'), early.screen())
    early.kill()
    // The same recursion, its function defined first, starts at the prompt drawn by hand (builtins
    // only); the status line says the editor has taken it over, and Ctrl-C stops it there.
    const adopted = start({ env: { FSH_HOME: own } })
    await adopted.waitFor(idle)
    adopted.type('def f [] { f; f }')
    adopted.keys('Enter')
    adopted.type('f 2> /dev/null')
    adopted.keys('Enter')
    await adopted.waitFor(/Ctrl-C stops/, 10_000)
    adopted.keys('C-c')
    await adopted.waitFor(stopped, 10_000)
    adopted.kill()
  })

  test('Tab completes logl to loglens; a second Tab lists the subcommands', async () => {
    const t = start()
    await t.waitFor(idle)
    t.type('logl')
    t.keys('Tab')
    await t.waitFor(/❯ loglens\s*$/m)
    t.keys('Tab')
    const s = await t.waitFor(/parse\s+\S/)
    assert.match(s, /summary\s+\S/)
    t.keys('C-c')
    t.kill()
  })

  test('an open block continues on the next line; a line that cannot become valid is reported at once', async () => {
    const t = start()
    await t.waitFor(idle)
    await t.run('if {', /^… *$/m)
    const s = await t.run('}', s => s.includes("syntax error at 2:2: 'if' needs a block") && idle(s))
    assert.match(s, /^  \}\n   \^$/m, 'the line and a caret, as a script shows it')
    await t.run('if true {', /^… *$/m)
    await t.run('echo inside', /^… echo inside\n… *$/m)
    await t.run('}', s => /^inside$/m.test(s) && idle(s))
    t.kill()
  })

  test('open and quit less: the screen and the prompt come back intact', async () => {
    const t = start()
    await t.waitFor(idle)
    await t.run('echo before-less', s => s.includes('before-less\n') && idle(s))
    await t.run('less notes.txt', /note line 1\n[\s\S]*note line 20/)
    t.keys('q')
    const s = await t.waitFor(s => idle(s) && s.includes('❯ less notes.txt'))
    assert.not.ok(s.includes('note line 20'), 'less cleaned up after itself')
    assert.match(s, /^before-less$/m, 'what was on screen before is still there')
    await t.run('echo after-less', /^after-less$/m)
    t.kill()
  })

  test('history is recalled in a second session, by prefix', async () => {
    const a = start()
    await a.waitFor(idle)
    await a.run('echo from-the-first-session', /^from-the-first-session$/m)
    await a.run('echo unrelated', /^unrelated$/m)
    a.keys('C-d')
    await a.waitFor(/\[fsh exited 0\]/)
    const b = start()
    await b.waitFor(idle)
    b.keys('Up')
    await b.waitFor(/❯ echo unrelated\s*$/m)
    b.keys('C-u')
    b.type('echo fr')
    b.keys('Up')
    await b.waitFor(/❯ echo from-the-first-session\s*$/m)
    b.keys('Enter')
    await b.waitFor(s => s.split('\n').filter(l => l === 'from-the-first-session').length === 1 && idle(s))
    b.kill()
  })

  test('history is shared live: a line run in one shell is recalled at once in another running shell', async () => {
    const a = start()
    const b = start()
    await a.waitFor(idle)
    await b.waitFor(idle)
    // b has read the history file (↑ recalls an earlier test's line) before a adds to it.
    b.keys('Up')
    await b.waitFor(/❯ echo \S+\s*$/)
    b.keys('C-u')
    await b.waitFor(idle)
    await a.run('echo typed-in-a', /^typed-in-a$/m)
    // A saves the line beside running it: what B can recall is what has reached the file.
    await until(() => historyLines().includes('echo typed-in-a'), 'the line saved to the history file')
    b.keys('Up')
    await b.waitFor(/❯ echo typed-in-a\s*$/m)
    b.keys('Enter')
    await b.waitFor(s => /^typed-in-a$/m.test(s) && idle(s))
    a.keys('Up')
    await a.waitFor(/❯ echo typed-in-a\s*$/m)
    a.kill()
    b.kill()
  })

  test('bad input: 10,000 pasted lines, invalid UTF-8, escapes and a 1 MB cell, an unknown meta command', async () => {
    const t = start({ rows: 30 })
    await t.waitFor(idle)
    t.paste(Array.from({ length: 10_000 }, (_, i) => `echo pasted-${i + 1}`).join('\n'))
    await t.waitFor(/↑ \d+ more lines/, 10_000)
    t.keys('Enter')
    await t.waitFor(s => s.includes('pasted-10000\n') && idle(s), 30_000)
    t.bytes(['c3', '28', 'ff', 'fe'])
    t.type(' ok')
    await t.waitFor(/❯ .*ok\s*$/m)
    t.keys('C-u')
    const s = await t.run('open odd.ndjson', s => /^big +x+/m.test(s) && idle(s))
    assert.match(s, /^msg +clear \\e\[2J\\e\[H screen$/m, 'escapes in a cell are shown, not obeyed')
    assert.match(s, /xxxx…/, 'a 1 MB cell is cut to the terminal')
    assert.ok(s.split('\n').every(l => l.length <= 100))
    const m = await t.run(':nope', s => s.includes("unknown meta command ':nope'") && idle(s))
    assert.is(m.split('\n').filter(l => l.includes('nope')).length, 2, 'the line typed and one line saying what happened')
    t.keys('C-d')
    await t.waitFor(/\[fsh exited 2\]/)
    const saved = historyLines()
    assert.ok(saved.includes('open odd.ndjson'))
    assert.ok(saved.includes(':nope'))
    assert.ok(saved.some(l => l.startsWith('echo pasted-1\n') && l.endsWith('echo pasted-10000')), 'the pasted block is one entry')
    assert.ok(saved.includes('echo from-the-first-session'), 'earlier sessions kept')
    t.kill()
  })

  test('a 20-column terminal: prompt, typing and tables still fit', async () => {
    const t = start({ cols: 20, rows: 12 })
    await t.waitFor(idle)
    const s = await t.run('open people.ndjson', s => s.includes('ada') && idle(s))
    // Joined: a line the terminal wrapped comes back whole, longer than 20.
    for (const line of t.screen(false, true).split('\n')) assert.ok(line.trimEnd().length <= 20, `wider than the terminal: ${line}`)
    assert.ok(s.includes('…') || /\+\d/.test(s), 'cut or left out, not wrapped')
    t.resize(60, 12)
    await t.run('echo wider', /^wider$/m)
    t.kill()
  })

  test('a resize redraws the line being typed at the new width; help and the next table fit it', async () => {
    writeFileSync(join(work, 'wide.ndjson'), ['ada', 'grace', 'linus'].map(name =>
      JSON.stringify({ name, note: `${name} wrote a note long enough to be cut on a narrow terminal` })).join('\n') + '\n')
    const t = start({ cols: 100, rows: 30 })
    await t.waitFor(idle)
    const words = Array.from({ length: 8 }, (_, i) => `word${i + 1}`).join(' ')
    t.type(`echo ${words}`)
    await t.waitFor(s => s.includes('word8'))
    // The rows of the line being typed, joined back as the program wrote them (a row the terminal
    // wrapped comes back longer than the terminal): only a redraw at the new width, with no key
    // pressed, makes each fit. Above them a narrowing leaves the terminal's rewrap of the old frame.
    const redrawn = (cols: number) => () => {
      const rows = t.screen(false, true).trimEnd().split('\n')
      const line = rows.slice(rows.findLastIndex(r => r.includes('❯ echo')))
      return line.every(r => r.length <= cols) && line.join('').endsWith(`❯ echo ${words}`)
    }
    t.resize(40, 30)
    await until(redrawn(40), 'the line redrawn within 40 columns', 5000)
    t.resize(100, 30)
    await until(() => t.lines().pop()?.endsWith(`❯ echo ${words}`), 'the line redrawn on one row of 100 columns', 5000)
    t.keys('C-u')
    await t.waitFor(idle)
    // A narrowing leaves the terminal's rewrapped copy of the old line above: cleared away here.
    await t.run(':clear', s => idle(s) && !s.includes('word8'))
    t.resize(50, 30)
    // The prompt's path, shortened to fit, says the shell has seen the new width.
    await until(() => { const l = t.lines().pop() ?? ''; return idle(l) && l.length < 30 }, 'the prompt redrawn for 50 columns', 5000)
    await t.run('help select', s => s.includes('select — Keep') && idle(s))
    const help = t.screen(false, true)
    assert.match(help, /^COL may be a path into nested records \(req\.path\):$/m, 'wrapped at 50 columns')
    for (const l of help.split('\n')) assert.ok(l.trimEnd().length <= 50, `help wider than the terminal: ${l}`)
    await t.run(':clear', s => idle(s) && !s.includes('select — Keep'))
    await t.run('open wide.ndjson', s => s.includes('linus') && idle(s))
    const table = t.screen(false, true)
    for (const l of table.split('\n')) assert.ok(l.trimEnd().length <= 50, `table wider than the terminal: ${l}`)
    assert.match(table, /…/, 'the free-text column is cut to fit')
    t.kill()
  })

  test(':loop FILE.js opens the event-loop view; q comes back to a working prompt', async () => {
    writeFileSync(join(work, 'order.js'), "setTimeout(() => console.log('timeout'))\nprocess.nextTick(() => console.log('tick'))\n")
    const t = start()
    await t.waitFor(idle)
    await t.run(':loop order.js', /fsh :loop — order\.js/, 10_000)
    const back = (s: string) => idle(s) && !/space play\/pause/.test(s.split('\n').slice(-3).join('\n'))
    t.keys('q')
    // The view's own key handling may start a moment after it shows: press again if it is still up.
    await t.waitFor(back, 3000).catch(() => { t.keys('q'); return t.waitFor(back) })
    await t.run('echo after-loop', /^after-loop$/m)
    t.kill()
  })

  test('lines typed before the editor is ready run at once, in order, and are kept in the history', async () => {
    const t = start()
    // Typed the moment the prompt shows: builtins run before the editor has loaded, a program
    // waits for it; what prints is in the order typed.
    await t.waitFor(idle, 5000)
    t.type('echo early-one')
    t.keys('Enter')
    t.type('^echo early-two')
    t.keys('Enter')
    t.type('echo early-three')
    t.keys('Enter')
    const s = await t.waitFor(s => /^early-three$/m.test(s) && idle(s), 15_000)
    // What the programs printed, in order. A line typed while `^echo` runs is echoed by the
    // terminal itself (cooked mode, as under bash), so that program's output may follow it on one
    // screen line: `echo early-threeearly-two`.
    const outs = s.split('\n').filter(l => !l.includes('❯')).map(l => /(?<!echo )early-(?:one|two|three)$/.exec(l)?.[0]).filter(Boolean)
    assert.equal(outs, ['early-one', 'early-two', 'early-three'], s)
    await until(() => historyLines().slice(-3).join() === 'echo early-one,^echo early-two,echo early-three', 'the three lines saved in order', 15_000)
    t.keys('Up')
    await t.waitFor(s => /❯ echo early-three\s*$/.test(s.trimEnd()))
    t.keys('Up')
    await t.waitFor(s => /❯ \^echo early-two\s*$/.test(s.trimEnd()))
    t.keys('C-u')
    t.kill()
    const quick = start()
    await quick.waitFor(idle, 5000)
    quick.type('echo bye; exit 4')
    quick.keys('Enter')
    await quick.waitFor(/^\[fsh exited 4\]$/m, 15_000)
    assert.ok(historyLines().includes('echo bye; exit 4'), 'a line that exits early is saved too')
    quick.kill()
  })

  test('| page shows a tall table a screen at a time with less keys; q comes back to the prompt', async () => {
    writeFileSync(join(work, 'sizes.ndjson'), Array.from({ length: 200 }, (_, i) => JSON.stringify({ id: `note line ${i + 1}`, bytes: 1536 })).join('\n') + '\n')
    const t = start({ cols: 60, rows: 12 })
    await t.waitFor(idle)
    await t.run('open sizes.ndjson | page', /lines 1-10 of 200/)
    let lines = t.lines()
    assert.match(lines[0]!, /^id +bytes$/, 'the header on top')
    assert.match(lines[1]!, /^note line 1 +1\.5 KB$/, 'sizes human')
    t.type(' ')
    await t.waitFor(/lines 11-20 of 200/)
    t.type('G')
    await t.waitFor(/lines 191-200 of 200 \(END\)/)
    assert.match(t.lines()[0]!, /^id +bytes$/, 'the header stays on top')
    t.type('g')
    await t.waitFor(/lines 1-10 of 200/)
    t.type('/line 42')
    t.keys('Enter')
    await t.waitFor(/^note line 42 .*\n(.*\n){9}lines 42-51 of 200/m)
    t.type('q')
    await t.waitFor(s => idle(s) && !s.includes('lines 1'))
    assert.ok(t.screen().includes('page'), 'the screen from before is back')
    await t.run('echo after', s => /^after$/m.test(s) && idle(s))
    t.kill()
  })

  test('NO_COLOR gives no colours; FORCE_COLOR gives them', async () => {
    const plain = start()
    await plain.waitFor(idle)
    plain.type('ls | first 1')
    await plain.waitFor(/first 1/)
    assert.not.match(plain.screen(true), /\x1b\[3\dm/)
    plain.kill()
    const colored = start({ env: { NO_COLOR: '', FORCE_COLOR: '1' } })
    await colored.waitFor(idle)
    colored.type('ls | first 1')
    await colored.waitFor(/first 1/)
    assert.match(colored.screen(true), /\x1b\[3\dm/)
    colored.kill()
  })
}

test.run()
