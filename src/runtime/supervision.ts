// Supervision hooks for `pipe`: a stage's output counted and tapped, its stderr handed to an
// observer with backpressure, its start and end reported. Inert when no observer is given.
import type { ChildProcess } from 'node:child_process'
import type { Readable } from 'node:stream'
import type { PipelineObserver } from './command.ts'
import { EXIT } from '../base/errors.ts'
import type { ErrOut } from './scope.ts'
import type { Running } from './stages.ts'
import { encodeLines } from './stream.ts'
import { Batch, isBytes, type Item } from '../base/values.ts'

/** A stage's output as an observer sees it: bytes counted and copied to a tap; for an in-process
 *  stage (`run` given), its start at the first pull and its end. */
export async function* observed(items: AsyncIterable<Item>, k: number, o: PipelineObserver, tap: ReturnType<NonNullable<PipelineObserver['tap']>>, run?: Running): AsyncGenerator<Item> {
  if (run) o.onStart?.(k, {})
  o.onOutput?.(k, 0, 0)
  try {
    for await (const item of items) {
      if (isBytes(item)) {
        o.onOutput?.(k, item.length, 0)
        if (tap) await tap(item)
      } else {
        const values = item instanceof Batch ? item.items : [item]
        o.onOutput?.(k, 0, values.length)
        if (tap) await tap(Buffer.from(encodeLines(values)))
      }
      yield item
    }
  } finally {
    if (run) {
      if (run.status === undefined) run.quiet = true // its reader stopped before the end
      o.onExit?.(k, { status: run.status ?? 0, signal: null, quiet: Boolean(run.quiet) })
    }
  }
}

/** Stage k's stderr, handed to the observer; without a descriptor, so externals write into a pipe.
 *  While the observer is behind with an external's stderr, that pipe is not read. */
export function observedErr(k: number, like: ErrOut, o: PipelineObserver): ErrOut & { from?: Readable } {
  let pending = 0
  const err: ErrOut & { from?: Readable } = {
    isTTY: like.isTTY,
    columns: like.columns,
    write: c => {
      const p = o.onStderr!(k, typeof c === 'string' ? Buffer.from(c) : c)
      if (!p || !err.from) return
      if (pending++ === 0) err.from.pause()
      const done = () => { if (--pending === 0) err.from?.resume() }
      p.then(done, done)
    },
  }
  return err
}

/** An external's start and end for the observer; with its stderr observed, the stage ends when all of it is read. */
export function watchChild(k: number, child: ChildProcess, run: Running, o: PipelineObserver): void {
  o.onStart?.(k, { pid: child.pid })
  let ended = false
  const end = (signal: NodeJS.Signals | null) => {
    if (ended) return
    ended = true
    o.onExit?.(k, { status: run.status ?? EXIT.failure, signal, quiet: Boolean(run.quiet) })
  }
  child.once('exit', (_code, signal) => end(signal)).once('error', () => end(null))
  const stderr = child.stderr
  if (!o.onStderr || !stderr) return
  // A grandchild may keep the pipe open after the child is gone: its stderr gets a second, not forever.
  const read = new Promise<void>(resolve => {
    let timer: NodeJS.Timeout | undefined
    const done = () => { clearTimeout(timer); resolve() }
    stderr.once('close', done)
    child.once('exit', () => { timer = setTimeout(done, STDERR_AFTER_EXIT_MS) }).once('error', done)
  })
  run.done = Promise.all([run.done, read]).then(() => {})
}

const STDERR_AFTER_EXIT_MS = 1000
