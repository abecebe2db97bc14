// The `:loop` view in a real terminal (tmux): it plays, pauses, steps both ways and quits back to
// the prompt; runaway code is stopped at the timeout and a syntax error never opens the view.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { missingTool } from '../skips.ts'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const FIXTURE = join(ROOT, 'test', 'loop', 'fixtures', 'loop-prompt.tsx')
const SOCKET = `fsh-loop-test-${process.pid}`
const hasTmux = spawnSync('tmux', ['-V']).status === 0
const dir = mkdtempSync(join(tmpdir(), 'fsh-loop-tmux-'))
test.after(() => {
  spawnSync('tmux', ['-L', SOCKET, 'kill-server'])
  rmSync(dir, { recursive: true, force: true })
})

writeFileSync(join(dir, 'puzzle.cjs'), `require('fs').readFile(__filename, () => {
  setTimeout(() => console.log('timeout'), 0)
  setImmediate(() => console.log('immediate'))
  process.nextTick(() => console.log('nextTick'))
})
console.log('script')
`)
writeFileSync(join(dir, 'spin.cjs'), "console.log('spinning')\nwhile (true) {}\n")
writeFileSync(join(dir, 'broken.cjs'), "console.log('ok')\nif (true {\n")

const tmux = (...args: string[]) => execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' })
const screen = (s: string) => tmux('capture-pane', '-p', '-t', s)
const sleep = (ms: number) => new Promise(res => setTimeout(res, ms))

function start(session: string, file: string, timeoutMs = 10_000, how: '' | '--paste' = '') {
  // As in the REPL (src/repl/start.ts), Ink must not see CI variables: in CI it stops redrawing.
  const unsetCi = Object.keys(process.env).filter(k => /^(CI|CONTINUOUS_INTEGRATION|BUILD_NUMBER|RUN_ID|CI_.*)$/.test(k)).map(k => `-u ${k}`).join(' ')
  const cmd = `cd ${ROOT} && env ${unsetCi} node --import tsx ${FIXTURE} ${how} ${join(dir, file)} ${timeoutMs} 2>&1; echo EXITED; sleep 60`
  tmux('new-session', '-d', '-s', session, '-x', '110', '-y', '36', cmd)
}

async function waitFor(session: string, what: string | RegExp, ms = 15_000): Promise<string> {
  const until = Date.now() + ms
  for (;;) {
    const text = screen(session)
    if (typeof what === 'string' ? text.includes(what) : what.test(text)) return text
    if (Date.now() > until) throw new Error(`waited ${ms}ms for ${what}; the screen:\n${text}`)
    await sleep(100)
  }
}

const stepOf = (text: string) => Number(/step (\d+)\//.exec(text)?.[1])

if (!hasTmux) {
  missingTool(test, 'the terminal tests of :loop', 'tmux', 'FSH_SKIP_TMUX')
} else {
  test('it plays at once; space pauses, → and ← step, space plays on, q returns to the prompt', async () => {
    start('play', 'puzzle.cjs')
    let text = await waitFor('play', '▶ playing')
    assert.match(text, 'fsh :loop —')
    assert.match(text, /\[main\]▸ ╭─▶ timers|\[(timers|poll|check)\]/, 'the ring is drawn with one phase lit')
    tmux('send-keys', '-t', 'play', 'Space')
    text = await waitFor('play', '❚❚ paused')
    const paused = stepOf(text)
    await sleep(800)
    assert.is(stepOf(screen('play')), paused, 'paused means it stays')
    tmux('send-keys', '-t', 'play', 'Right', 'Right', 'Right')
    await waitFor('play', `step ${paused + 3}/`)
    tmux('send-keys', '-t', 'play', 'Left')
    text = await waitFor('play', `step ${paused + 2}/`)
    assert.match(text, '❚❚ paused')
    tmux('send-keys', '-t', 'play', '+', '+', '+', '+')
    await waitFor('play', 'speed ×8')
    tmux('send-keys', '-t', 'play', 'Space')
    await waitFor('play', '▶ playing')
    text = await waitFor('play', '■ end')
    assert.match(text, /│ script\s+│\n.*│ nextTick\s+│\n.*│ immediate\s+│\n.*│ timeout\s+│/, 'the console shows what node printed, in order')
    tmux('send-keys', '-t', 'play', 'q')
    text = await waitFor('play', 'EXITED')
    assert.match(text, 'back at the prompt (exit 0)')
  })

  test('runaway code is killed at the timeout; the view says so and still replays what happened', async () => {
    start('spin', 'spin.cjs', 1000)
    let text = await waitFor('spin', 'running')
    assert.match(text, /running .*spin\.cjs on node… \(q stops it\)/)
    text = await waitFor('spin', 'fsh :loop —')
    assert.match(text, 'killed after 1s (the code never finished)')
    tmux('send-keys', '-t', 'spin', 'q')
    text = await waitFor('spin', 'EXITED')
    assert.match(text, 'fsh: :loop: killed after 1s (the code never finished)')
    assert.match(text, 'back at the prompt (exit 1)')
  })

  test('q while the program runs stops it at once', async () => {
    start('stop', 'spin.cjs', 30_000)
    await waitFor('stop', 'q stops it')
    const started = Date.now()
    tmux('send-keys', '-t', 'stop', 'q')
    const text = await waitFor('stop', 'EXITED', 5000)
    assert.ok(Date.now() - started < 5000)
    assert.match(text, 'fsh: :loop: interrupted')
  })

  test('pasted code runs as pasted.js and replays the same way', async () => {
    start('paste', 'puzzle.cjs', 10_000, '--paste')
    let text = await waitFor('paste', 'fsh :loop — pasted.js')
    tmux('send-keys', '-t', 'paste', 'Space', '+', '+', '+', '+', 'Space')
    text = await waitFor('paste', '■ end')
    assert.match(text, /│ script\s+│\n.*│ nextTick\s+│\n.*│ immediate\s+│\n.*│ timeout\s+│/)
    tmux('send-keys', '-t', 'paste', 'q')
    text = await waitFor('paste', 'EXITED')
    assert.match(text, 'back at the prompt (exit 0)')
  })

  test('a syntax error is reported with line and column, without opening the view', async () => {
    start('broken', 'broken.cjs')
    const text = await waitFor('broken', 'EXITED')
    assert.not.match(text, 'fsh :loop —')
    assert.match(text, /broken\.cjs:2\nif \(true \{\n {9}\^\nfsh: :loop: syntax error at .*broken\.cjs:2:10: SyntaxError: Unexpected token '\{'/)
    assert.match(text, 'back at the prompt (exit 1)')
  })
}

test.run()
