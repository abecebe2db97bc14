// `loop trace FILE.js`: runs the file in node for real and emits what its event loop did.
import { existsSync } from 'node:fs'
import { relative } from 'node:path'
import { batch, defineCommand } from '../../src/prelude.ts'
import { describeEnd } from '../../src/loop/ending.ts'
import { DEFAULT_TIMEOUT_MS, traceFile, type TraceEnd } from '../../src/loop/trace.ts'

const CLASSIC = `setTimeout(() => console.log('timeout'), 0)
Promise.resolve().then(() => console.log('promise'))
process.nextTick(() => console.log('nextTick'))
console.log('script')
`

const IN_IO = `require('fs').readFile(__filename, () => {
  setTimeout(() => console.log('timeout'), 0)
  setImmediate(() => console.log('immediate'))
})
`

export default defineCommand({
  name: 'trace',
  summary: "Run a JavaScript file in node and record its event loop: every callback's queue and phase",
  description: `
The file runs for real in a child node process with an instrumentation preload. Each record says
what happened (kind: schedule, run or log; pool-start when work is handed to libuv's thread pool,
with its wave of UV_THREADPOOL_SIZE jobs, pool-done when a thread finished it and its callback is
next), in which loop phase (main, timers, pending, poll, check, close) and from which queue the running callback came (script, nextTick, microtask, timeout,
interval, immediate, io, close). The log records are the program's console output, in the order
node prints it. tick is the iteration of the loop (timers, pending, poll, check, close): 0 is the
main script and what drains after it; a timer and the immediate it queues share an iteration. 'exit' and 'beforeExit' listeners, which
run once the loop is empty, show as the close phase with source script.
Code that never ends is killed at --timeout with everything it started; console output is capped
at 10,000 lines or 1 MiB; an uncaught exception is reported as node reports it.`,
  flags: {
    timeout: { type: 'duration', arg: 'DURATION', describe: 'kill the program after this long (default 10s)' },
  },
  args: [{ name: 'file.js', type: 'path', describe: 'the program to run' }],
  output: 'records',
  examples: [
    {
      description: 'nextTick before promises, both before the loop starts',
      line: "loop trace classic.js | where kind == 'log' | select text phase source",
      files: { 'classic.js': CLASSIC },
      output: [
        'text      phase   source',
        'script    main    script',
        'nextTick  main    nextTick',
        'promise   main    microtask',
        'timeout   timers  timeout',
      ].join('\n'),
    },
    {
      description: 'the phase and queue of each callback, as the whole trace',
      line: 'loop trace classic.js | where kind == \'run\' | select tick phase source api',
      files: { 'classic.js': CLASSIC },
      output: [
        'tick  phase   source     api',
        '   0  main    script     script',
        '   0  main    nextTick   process.nextTick',
        '   0  main    microtask  promise',
        '   1  timers  timeout    setTimeout',
      ].join('\n'),
    },
    {
      description: 'inside an I/O callback, setImmediate always beats setTimeout 0',
      line: "loop trace io.js | where kind == 'log' | select text phase source",
      files: { 'io.js': IN_IO },
      output: [
        'text       phase   source',
        'immediate  check   immediate',
        'timeout    timers  timeout',
      ].join('\n'),
    },
  ],
  async *run(ctx) {
    const [given] = ctx.args
    const file = ctx.resolve(given)
    if (!existsSync(file)) ctx.fail(`cannot open ${given}: no such file`)
    const timeoutMs = ctx.flags.timeout ?? DEFAULT_TIMEOUT_MS
    const gen = traceFile(file, { timeoutMs, cwd: ctx.cwd, env: { ...ctx.env }, signal: ctx.signal })
    let end: TraceEnd
    try {
      for (;;) {
        const r = await gen.next()
        if (r.done) { end = r.value; break }
        yield batch(r.value)
      }
    } finally {
      await gen.return(undefined as never)
    }
    const shown = relative(ctx.cwd, file) || given
    if (end.status === 'aborted') {
      ctx.signal.throwIfAborted()
      throw new DOMException('the trace was interrupted', 'AbortError')
    }
    const ending = describeEnd(end, shown)
    for (const line of ending.detail) ctx.log(line)
    if (ending.message) return ctx.fail(ending.message, ending.exitCode)
    ctx.exitCode = ending.exitCode
  },
})
