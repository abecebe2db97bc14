// `npm test` after the typecheck: every test/**/*.test.ts(x) through uvu.
// `npm test -- NAME` runs only the files whose path contains NAME.
// Files run in parallel worker processes (FSH_TEST_JOBS, default 3: most tests wait on the
// subprocesses, terminals and servers they start, so more workers than cores still pay), each
// taking the next file when it is done with one, longest files first by the last run's times.
// A file's output is printed whole when it ends, so files never interleave.
// Tests whose tool is missing fail, unless e.g. FSH_SKIP_TMUX=1 allows skipping them: then the
// summary says what was skipped.
import { fork } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { parse } from 'uvu/parse'
import { run } from 'uvu/run'
import { skipped } from '../test/skips.ts'

interface FileResult { file: string; out: string; total: number; passed: number; skips: number; failed: boolean; ms: number; skipped: string[] }

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '..')
const TIMES = join(ROOT, 'node_modules/.cache/fsh-test-times.json')

if (process.env.FSH_TEST_WORKER === '1') worker()
else await main()

async function main(): Promise<void> {
  // Every temporary file of the run, ours and our children's, lives in one folder removed at the end.
  const scratch = mkdtempSync(join(tmpdir(), 'fsh-test-'))
  process.env.TMPDIR = scratch
  process.on('exit', () => rmSync(scratch, { recursive: true, force: true }))

  const only = process.argv.slice(2)
  const { suites } = await parse('test', /\.test\.tsx?$/)
  const chosen = only.length ? suites.filter(s => only.some(o => s.name.includes(o))) : suites
  if (!chosen.length) {
    console.error(`no test file matches ${only.join(' ')}`)
    process.exit(1)
  }
  const jobs = Math.max(1, Math.min(Number(process.env.FSH_TEST_JOBS) || 3, chosen.length))
  if (jobs === 1) {
    await run(chosen, { bail: false })
    printSkips(skipped)
    return
  }
  const started = performance.now()
  const times = lastTimes()
  const queue = chosen.map(s => s.file).sort((a, b) => (times[b] ?? 1e9) - (times[a] ?? 1e9))
  const results: FileResult[] = []
  await Promise.all(Array.from({ length: jobs }, () => new Promise<void>((done, fail) => {
    const child = fork(new URL(import.meta.url).pathname, [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, FSH_TEST_WORKER: '1' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    const next = (): void => {
      const file = queue.shift()
      if (file) child.send(file)
      else child.disconnect()
    }
    child.on('message', (r: FileResult) => {
      results.push(r)
      process.stdout.write(r.out)
      next()
    })
    child.on('exit', (code, signal) => (code === 0 ? done() : fail(new Error(`a test worker ended with ${signal ?? `exit ${code}`}`))))
    next()
  })))
  saveTimes(results)
  const total = results.reduce((n, r) => n + r.total, 0)
  const passed = results.reduce((n, r) => n + r.passed, 0)
  const skips = results.reduce((n, r) => n + r.skips, 0)
  const failed = results.filter(r => r.failed)
  if (failed.length) process.stdout.write(`\n  Failed in: ${failed.map(r => r.file.replace(ROOT + '/', '')).join(', ')}\n`)
  process.stdout.write(`\n  Total:     ${total}\n  Passed:    ${passed}\n  Skipped:   ${skips}\n  Duration:  ${((performance.now() - started) / 1000).toFixed(1)}s (${jobs} workers)\n\n`)
  printSkips(results.flatMap(r => r.skipped))
  process.exitCode = failed.length || passed !== total - skips ? 1 : 0
}

/** Runs the files the parent sends, one at a time, and sends back each one's output and counts. */
function worker(): void {
  const uvuDone = /Total:\s+(\d+)[\s\S]*Passed:\s+(\d+)[\s\S]*Skipped:\s+(\d+)/
  const write = process.stdout.write.bind(process.stdout)
  process.on('message', async (file: string) => {
    const t0 = performance.now()
    let out = ''
    process.stdout.write = ((chunk: string | Uint8Array) => ((out += String(chunk)), true)) as typeof process.stdout.write
    const before = skipped.length
    try {
      const g = globalThis as unknown as { UVU_QUEUE: unknown[][]; UVU_INDEX: number; UVU_DEFER: number }
      g.UVU_DEFER = 1
      g.UVU_QUEUE = [[file.replace(join(ROOT, 'test') + '/', '')]]
      g.UVU_INDEX = 0
      await import('file://' + file)
      const uvu = await import('uvu')
      process.exitCode = 0
      await uvu.exec(false)
    } catch (e) {
      out += `\n  ${file}: ${(e as Error)?.stack ?? e}\n`
      process.exitCode = 1
    } finally {
      process.stdout.write = write
    }
    const m = uvuDone.exec(out.replace(/\x1b\[[0-9;]*m/g, ''))
    const failed = process.exitCode !== 0 || !m
    // Each file's own totals are summed by the parent: print only the file's part.
    out = out.replace(/\n\s*Total:[\s\S]*$/, '\n')
    const r: FileResult = {
      file, out, failed, ms: performance.now() - t0, skipped: skipped.slice(before),
      total: Number(m?.[1] ?? 1), passed: Number(m?.[2] ?? 0), skips: Number(m?.[3] ?? 0),
    }
    process.exitCode = 0
    process.send!(r)
  })
  process.on('disconnect', () => process.exit(0))
}

function lastTimes(): Record<string, number> {
  try {
    return JSON.parse(readFileSync(TIMES, 'utf8')) as Record<string, number>
  } catch {
    return {}
  }
}

function saveTimes(results: FileResult[]): void {
  try {
    mkdirSync(dirname(TIMES), { recursive: true })
    writeFileSync(TIMES, JSON.stringify({ ...lastTimes(), ...Object.fromEntries(results.map(r => [r.file, Math.round(r.ms)])) }))
  } catch {
    // Only an ordering hint for the next run.
  }
}

function printSkips(list: string[]): void {
  if (list.length) console.log(`  Not run here (${list.length}):\n${list.map(s => `    ${s}`).join('\n')}\n`)
}
