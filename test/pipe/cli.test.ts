// `pipe` in the fsh executable: Ctrl-C, a step flooding stderr, and the live view on a terminal.
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { until } from '../wait.ts'

const BIN = resolve('bin/fsh.js')
const dir = mkdtempSync(join(tmpdir(), 'fsh-'))
const env = { ...process.env, FSH_HOME: join(dir, 'home'), NO_COLOR: '1' } as Record<string, string>
delete env.FSH_DEBUG
test.after(() => rmSync(dir, { recursive: true, force: true }))

const marker = () => `${30 + Math.floor(Math.random() * 1e6) / 1e6}`
const processes = () => execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').map(l => l.trim())
/** The step's own `sleep` process (fsh's command line holds the marker too, from the start). */
const sleeping = (m: string) => processes().some(l => l === `sleep ${m}`)
/** Anything still running with the marker: the sleep, or a shell around it. */
const running = (m: string) => processes().some(l => l.includes(`sleep ${m}`))

function exited(child: ReturnType<typeof spawn>): Promise<number | null> {
  return new Promise(r => child.once('exit', code => r(code)))
}

test('Ctrl-C in the middle: every step stops, a report, exit 130, nothing left running', async () => {
  const m = marker()
  const child = spawn(process.execPath, [BIN, '-c', `pipe --step 'yes' --step '^sleep ${m}' --step 'cat'`], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let err = ''
  child.stderr!.on('data', c => { err += c })
  for (let waited = 0; !sleeping(m); waited += 50) {
    assert.ok(waited < 5000, 'the steps started')
    await new Promise(r => setTimeout(r, 50))
  }
  child.kill('SIGINT')
  const code = await exited(child)
  assert.is(code, 130)
  assert.match(err, /\n\s+2\s+killed\s+130\s+SIGINT /)
  assert.match(err, /fsh: pipe: interrupted/)
  await until(() => !running(m), 'no orphan: the steps gone', 5000)
})

test('a step writing hundreds of MB to stderr, read slowly: streamed in full, memory stays bounded', async () => {
  const MB = 256
  writeFileSync(join(dir, 'flood.sh'), `head -c ${MB * 1024 * 1024} /dev/zero | tr '\\0' x >&2; echo last-line >&2; exit 4\n`)
  // fsh's stderr is a pipe whose reader waits a second before reading: nothing may pile up in fsh.
  const child = spawn('sh', ['-c', `node "${BIN}" -c "pipe --capture-stderr 64 --report r.ndjson --step 'sh flood.sh' --step 'cat'" 2>&1 >/dev/null | (sleep 1; wc -c)`], { cwd: dir, env, stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  child.stdout!.on('data', c => { out += c })
  let peak = 0
  const poll = setInterval(() => {
    try {
      const pids = execFileSync('pgrep', ['-f', `${BIN} -c pipe --capture-stderr 64`], { encoding: 'utf8' }).trim().split('\n')
      for (const pid of pids) {
        const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
        if (hwm) peak = Math.max(peak, Number(hwm[1]) * 1024)
      }
    } catch { /* between processes */ }
  }, 50)
  await exited(child)
  clearInterval(poll)
  assert.ok(Number(out.trim()) > MB * 1024 * 1024, `all of stderr came through (${out.trim()} bytes)`)
  assert.ok(peak > 0, 'measured the fsh process')
  assert.ok(peak < 200 * 1024 * 1024, `peak RSS ${Math.round(peak / 1024 / 1024)} MiB`)
  const [rec] = readFileSync(join(dir, 'r.ndjson'), 'utf8').trim().split('\n').map(l => JSON.parse(l))
  assert.equal([rec.status, rec.exit_code, rec.stderr_tail], ['failed', 4, 'x'.repeat(54) + 'last-line\n'])
})

test('on a terminal: a live view of each step, cleared for the output and the final report', async () => {
  // The step goes on once the test has seen the view redrawn after `start`; then a partial line
  // waits 300 ms for its end, time in which the view must not break it.
  writeFileSync(join(dir, 'live.fsh'), `pipe --step 'sh -c "echo start >&2; until [ -e go1 ]; do sleep 0.02; done; printf part >&2; sleep 0.3; echo ial >&2; echo end"' --step 'cat'\n`)
  const child = spawn('script', ['-qec', `node "${BIN}" live.fsh`, '/dev/null'], { cwd: dir, env: { ...env, TERM: 'xterm' }, stdio: ['pipe', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  child.stdout!.on('data', c => { out += c })
  child.stderr!.on('data', c => { err += c })
  const code = exited(child)
  try {
    await until(() => /\x1b\[0Jstart\r?\n/.test(out) && out.split('\x1b[2A\x1b[0J').length > 2, 'the view redrawn after start')
  } finally {
    writeFileSync(join(dir, 'go1'), '')
  }
  assert.is(await code, 0, err)
  const tty = out.replace(/\r\n/g, '\n')
  assert.match(tty, /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] {2}1 {2}running /, 'steps shown running')
  assert.match(tty, /\x1b\[0Jstart\n/, 'stderr is printed above the view')
  assert.match(tty, /partial\n/, 'a partial line is not broken by the view')
  // What stays on the screen at the end: stderr and output in order, then the report; no view left.
  assert.match(finalScreen(tty), /^start\npartial\nend\nstep +status +exit +signal +time +bytes +cmd\n +1 +ok +0 .*\n +2 +ok +0 .* 4 B +cat\n$/)
})

/** The screen after a terminal has run the text: lines, `ESC[nA` (up n lines), `ESC[0J` (clear below). */
function finalScreen(text: string): string {
  const lines = ['']
  let row = 0
  for (let i = 0; i < text.length; i++) {
    const esc = /^\x1b\[(\d*)([AJ])/.exec(text.slice(i, i + 8))
    if (esc) {
      if (esc[2] === 'A') row = Math.max(0, row - Number(esc[1] || 1))
      else { lines.length = row + 1; lines[row] = '' }
      i += esc[0].length - 1
    } else if (text[i] === '\n') {
      row++
      lines[row] ??= ''
    } else lines[row] = (lines[row] ?? '') + text[i]
  }
  return lines.join('\n')
}

test.run()
