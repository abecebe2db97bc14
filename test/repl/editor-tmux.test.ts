// The line editor of the real `fsh` in a real terminal (tmux): a broken config.fsh still gives a
// prompt, a suggestion drawn faint and taken with →, Ctrl-R's list, and `otes<Tab>`. One session
// for all of it: each costs seconds.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { hasTmux, privateBuild, removePrivateBuild, Term } from './tmux.ts'
import { missingTool } from '../skips.ts'

const dir = mkdtempSync(join(tmpdir(), 'fsh-editor-tmux-'))
const home = join(dir, 'fsh-home')
const work = join(dir, 'work')
mkdirSync(join(home, 'state'), { recursive: true })
mkdirSync(work)
writeFileSync(join(work, 'notes.txt'), 'the notes\n')
writeFileSync(join(home, 'config.fsh'), 'abbr gs echo abbreviated\nnosuchcmd --here\n')
writeFileSync(join(home, 'state', 'history.ndjson'), ['echo one-match', 'echo suggested-line', 'echo two-match']
  .map((cmd, k) => JSON.stringify({ cmd, ts: 1_700_000_000_000 + k, cwd: work, exit: 0 })).join('\n') + '\n')
let term: Term | undefined

test.before(() => privateBuild())
test.after(() => {
  term?.kill()
  rmSync(dir, { recursive: true, force: true })
  removePrivateBuild()
})

/** The row the cursor is on (the prompt and what is typed). */
const promptRow = (t: Term) => t.lines().filter(l => l.includes('❯')).pop() ?? ''

if (!hasTmux()) {
  missingTool(test, 'the line editor terminal tests', 'tmux', 'FSH_SKIP_TMUX')
} else {
  test('a broken config.fsh is reported with its line and the prompt comes; then suggestions, Ctrl-R, fuzzy Tab', async () => {
    const t = term = new Term({ cwd: work, env: { FSH_HOME: home, TERM: 'xterm-256color', NO_COLOR: '1', LANG: 'C.UTF-8' }, cols: 100, rows: 20 })
    await t.waitFor(/fsh: config\.fsh:2: nosuchcmd: command not found[\s\S]*❯/, 10_000)
    await t.run('gs', /^abbreviated$/m)

    // A suggestion: faint (NO_COLOR: an attribute, not a colour), not typed; → takes it.
    t.type('echo sugg')
    const drawn = await t.waitFor(s => s.includes('echo suggested-line'))
    assert.match(t.screen(true), /echo sugg\x1b\[2mested-line/, drawn)
    t.keys('Right', 'Enter')
    await t.waitFor(/^suggested-line$/m)

    // Ctrl-R: the list of matches, newest first; ↑ goes to the older one, Enter runs it.
    t.keys('C-r')
    t.type('match')
    const list = await t.waitFor(s => s.includes('❯ echo two-match') && s.includes('  echo one-match'))
    assert.match(list, /search history: match/)
    t.keys('Up')
    await t.waitFor(s => promptRow(t).endsWith('echo one-match') && s.includes('❯ echo one-match'))
    t.keys('Enter')
    await t.waitFor(/^one-match$/m)

    // Tab finds notes.txt from a piece of its name.
    t.type('cat otes')
    t.keys('Tab')
    await t.waitFor(() => /cat notes\.txt\s*$/.test(promptRow(t)))
    t.keys('Enter')
    await t.waitFor(/^the notes$/m)
  })
}

test.run()
