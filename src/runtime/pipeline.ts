// Runs one pipeline: builtins in-process, externals spawned in their own process groups, each pair
// connected the cheapest way that keeps backpressure: fd-to-fd between externals, NDJSON/bytes
// between a builtin and an external, batches of values between builtins.
import type { ChildProcess } from 'node:child_process'
import { createReadStream, createWriteStream, writeSync } from 'node:fs'
import type { Writable } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Command } from '../lang/ast.ts'
import { blockOutput, builtinOutput, chosen, originOf } from './builtin-stage.ts'
import { Channel, ChannelClosed } from './channel.ts'
import type { PipelineObserver } from './command.ts'
import { EXIT, exitCodeOf, formatError, isBrokenPipe } from '../base/errors.ts'
import { abortedBy, exitStatus, killGroup, SIGPIPE_STATUS, spawnFailure, spawnProcess } from './external.ts'
import { closeFd, makePipes, pipeReader, pipeWriter, socketReader, type OsPipe } from './os-pipe.ts'
import { unshowable } from './foreign-values.ts'
import { placeError } from './error-place.ts'
import { TextRenderer } from './render.ts'
import { reportError, type ErrOut, type Frame, type IO, type Out, type Source } from './scope.ts'
import { closeRedirs, prepare, StageFailed, type Prepared, type Redirs, type Running } from './stages.ts'
import { Input } from './stream.ts'
import { drained, rawOut } from './raw-out.ts'
import { observed, observedErr, watchChild } from './supervision.ts'
import type { Item } from '../base/values.ts'
import type { Interpreter } from './interpreter.ts'

const KILL_GRACE_MS = 2000
/** How long a child's death by SIGINT waits for the same Ctrl-C to reach fsh. */
const OWN_SIGINT_WAIT_MS = 100

export async function execPipeline(sh: Interpreter, commands: Command[], frame: Frame, io: IO, observer?: PipelineObserver): Promise<number> {
  const stages: Prepared[] = []
  let at: Command['pos'] | undefined
  try {
    for (const c of commands) { at = c.pos; stages.push(await prepare(sh, c, frame, io)) }
  } catch (e) {
    for (const s of stages) closeRedirs(s.redirs)
    if (e instanceof ChannelClosed) throw e
    const line = formatError(e)
    reportError(frame, io.err, line, placeError(line, e, at, frame.source, sh.repl))
    return exitCodeOf(e)
  }
  return runStages(sh, stages, frame, io, observer)
}

// ---------------------------------------------------------------- wiring

/** What feeds the next stage; `pipe` is the read end of an OS pipe that we own until handed on. */
/** `node`: an external's stdout through Node's own pipe, when no FIFO could be made. */
type Up = Source | { t: 'pipe'; fd: number } | { t: 'node'; stream: ReturnType<typeof socketReader> }

async function runStages(sh: Interpreter, stages: Prepared[], frame: Frame, io: IO, observer?: PipelineObserver): Promise<number> {
  const children: ChildProcess[] = []
  const running: Running[] = []
  let up: Up = io.source
  const taps = stages.map((_, k) => observer?.tap?.(k))
  // An external's output passes through this process when it is tapped, or counted on its way into a builtin.
  const through = (k: number) => k < stages.length - 1 && stages[k + 1]!.redirs.stdin === undefined && (taps[k] !== undefined || (observer?.onOutput !== undefined && stages[k + 1]!.kind !== 'ext'))
  const pipes = await makePipes(pipesNeeded(stages, io, through))

  // A service stops on the run's signal by itself; the stages after it run on a signal of their
  // own and end when its output does, so nothing it emitted is lost downstream.
  const service = stages.findIndex(s => s.kind === 'builtin' && chosen(s).def.service)
  const downstream: Frame = service < 0 ? frame : { ...frame, signal: new AbortController().signal }
  const frameOf = (k: number): Frame => (service >= 0 && k > service ? downstream : frame)

  // Ctrl-C: SIGINT first, as a terminal would; what still lives in the groups after the grace
  // period (background children of a child ignore SIGINT) is killed.
  const onAbort = () => {
    if (service >= 0) return
    // A run stopped by a signal (kill %N, SIGTERM to fsh) passes that signal on.
    for (const c of children) killGroup(c.pid, abortedBy(frame.signal) ?? observer?.killSignal ?? 'SIGINT', sh.detached)
    setTimeout(() => { for (const c of children) killGroup(c.pid, 'SIGKILL', sh.detached) }, KILL_GRACE_MS).unref()
  }
  frame.signal.addEventListener('abort', onAbort, { once: true })

  try {
    for (let k = 0; k < stages.length; k++) {
      const stage = stages[k]!
      const last = k === stages.length - 1
      let err = stageErr(stage.redirs, io)
      const watchedErr = observer?.onStderr && err === io.err ? observedErr(k, io.err, observer) : undefined
      if (watchedErr) err = watchedErr
      if (stage.kind === 'ext') {
        const { child, run, next } = startExternal(sh, stage, up, last, io, err, pipes)
        children.push(child)
        running.push(run)
        up = next
        if (observer) {
          watchChild(k, child, run, observer)
          if (watchedErr) watchedErr.from = child.stderr ?? undefined
          if (next.t === 'pipe' && through(k)) up = { t: 'input', input: Input.ofBytes(observed(pipeReader(next.fd), k, observer, taps[k]) as AsyncIterable<Uint8Array>) }
          if (next.t === 'node' && through(k)) up = { t: 'input', input: Input.ofBytes(observed(next.stream, k, observer, taps[k]) as AsyncIterable<Uint8Array>) }
        }
        if (frame.signal.aborted) onAbort()
        continue
      }
      if (stage.redirs.stdin !== undefined) dropUp(up)
      const input: Input = stage.redirs.stdin !== undefined ? fdInput(stage.redirs.stdin) : toInput(up)
      const run: Running = { done: Promise.resolve() }
      running.push(run)
      const ends = last || stage.redirs.stdout !== undefined || stage.redirs.stdoutToErr
      const target = ends ? stageOut(stage.redirs, io, err) : undefined
      // Bytes written straight into the descriptor would pass by what a supervisor counts or copies.
      const raw = target?.raw && !taps[k] && !observer?.onOutput ? () => target.raw!() : undefined
      let output: AsyncGenerator<Item> = stage.kind === 'builtin'
        ? builtinOutput(sh, stage, input, frameOf(k), err, run, err === io.err ? io : undefined, raw)
        : blockOutput(stage, input, frameOf(k), err, run)
      if (observer) output = observed(output, k, observer, taps[k], run)
      if (target) {
        run.done = drain(output, target, run, err).finally(() => input.close())
        if (!last) up = { t: 'none' }
      } else {
        const chained = closingAfter(output, input)
        const next = Input.from((k + 1) % RELAY_EVERY === 0 ? relay(chained) : chained)
        if (stage.kind === 'builtin') next.origin = originOf(stage, frame.state.cwd)
        up = { t: 'input', input: next }
      }
    }
    if (service >= 0) await Promise.all(running.map(r => r.done.catch(() => {})))
    else await settle(running, frame)
    // A terminal's Ctrl-C reaches fsh and the children in its group at once, yet a child's end can
    // be seen first (the signal may land on another of this process's threads, handled later):
    // a child dead of SIGINT gives fsh's own a moment, so that `while true { }` stops rather than
    // ending as if its condition had failed. Without it (only the child was signalled) all goes on.
    if (!sh.detached && !frame.signal.aborted && children.some(c => c.signalCode === 'SIGINT')) {
      await sleep(OWN_SIGINT_WAIT_MS, undefined, { signal: frame.signal }).catch(() => {})
    }
  } finally {
    frame.signal.removeEventListener('abort', onAbort)
    if (frame.signal.aborted) for (const c of children) killGroup(c.pid, 'SIGTERM', sh.detached)
    for (const s of stages) closeRedirs(s.redirs)
    for (const p of pipes ?? []) { closeFd(p.r); closeFd(p.w) }
  }
  if (frame.signal.aborted && service < 0) return EXIT.interrupted
  return pipelineStatus(running)
}

/** Waits for every stage; after an abort, gives stuck in-process stages a grace period only. */
async function settle(running: Running[], frame: Frame): Promise<void> {
  const all = Promise.all(running.map(r => r.done.catch(() => {})))
  if (frame.signal.aborted) { await Promise.race([all, delay(KILL_GRACE_MS)]); return }
  let onAbort!: () => void
  const aborted = new Promise<void>(r => { onAbort = () => r(); frame.signal.addEventListener('abort', onAbort, { once: true }) })
  await Promise.race([all, aborted.then(() => Promise.race([all, delay(KILL_GRACE_MS)]))])
  frame.signal.removeEventListener('abort', onAbort)
}

const delay = (ms: number) => new Promise<void>(r => setTimeout(r, ms).unref())

/** pipefail, except that a stage stopped by its reader going away (SIGPIPE, `first 1`) did not fail. */
function pipelineStatus(running: Running[]): number {
  const lastStatus = running[running.length - 1]?.status ?? 0
  if (lastStatus !== 0) return lastStatus
  for (let k = running.length - 2; k >= 0; k--) {
    const r = running[k]!
    if (r.status && r.status !== SIGPIPE_STATUS && !r.quiet) return r.status
  }
  return 0
}

function toInput(up: Up): Input {
  switch (up.t) {
    case 'none': return Input.none()
    case 'fd': return fdInput(up.fd)
    case 'input': return up.input
    case 'pipe': return Input.ofBytes(pipeReader(up.fd))
    case 'node': return Input.ofBytes(up.stream)
  }
}

/** How many OS pipes the externals of these stages need. */
function pipesNeeded(stages: Prepared[], io: IO, through: (k: number) => boolean): number {
  // Mirrors the choices of startExternal: a pipe into an external fed by a builtin, a pipe out of one
  // that does not write straight into a descriptor.
  let n = 0
  let fromInternal = io.source.t === 'input'
  stages.forEach((s, k) => {
    const last = k === stages.length - 1
    const outRedirected = s.redirs.stdout !== undefined || Boolean(s.redirs.stdoutToErr)
    if (s.kind === 'ext') {
      if (s.redirs.stdin === undefined && fromInternal) n++
      if (!outRedirected && (!last || io.out.fd === undefined)) n++
      fromInternal = !outRedirected && through(k)
    } else fromInternal = !last && !outRedirected
  })
  return n
}

function fdInput(fd: number): Input {
  const input = Input.ofBytes((async function* () {
    const s = createReadStream('', { fd, autoClose: false, highWaterMark: 256 * 1024 })
    try { for await (const chunk of s) yield chunk as Uint8Array } finally { s.destroy() }
  })())
  inputFds.set(input, fd)
  return input
}

/** Inputs that read a descriptor, so a nested pipeline (`pipe`) can hand the descriptor itself on. */
const inputFds = new WeakMap<Input, number>()
export const inputFd = (input: Input): number | undefined => inputFds.get(input)

async function* closingAfter(output: AsyncIterable<Item>, input: Input): AsyncGenerator<Item> {
  try { yield* output } finally { await input.close() }
}

/** In-process stages pull through each other in one call stack; this many at most, then a relay. */
const RELAY_EVERY = 50

/** Hands the items on from a task of their own, so that a pull starts a fresh call stack here:
 *  a pipeline of 500 builtins would otherwise overflow the stack. */
async function* relay(source: AsyncIterable<Item>): AsyncGenerator<Item> {
  const ch = new Channel()
  let failure: { error: unknown } | undefined
  const pumping = (async () => {
    try {
      for await (const item of source) await ch.push(item)
    } catch (e) {
      if (!(e instanceof ChannelClosed)) failure = { error: e }
    } finally {
      ch.close()
    }
  })()
  try { yield* ch } finally { await pumping }
  if (failure) throw failure.error
}

function stageErr(r: Redirs, io: IO): ErrOut {
  if (r.stderr === undefined) return io.err
  if (r.stderr === 'stdout') {
    if (r.stdout !== undefined) return fdErr(r.stdout, io.err)
    return io.out.fd !== undefined ? fdErr(io.out.fd, io.err) : io.err
  }
  return fdErr(r.stderr, io.err)
}

function fdErr(fd: number, like: ErrOut): ErrOut {
  return { fd, isTTY: false, columns: like.columns, write: chunk => { try { if (typeof chunk === 'string') writeSync(fd, chunk); else writeSync(fd, chunk) } catch { /* reader gone */ } } }
}

function stageOut(r: Redirs, io: IO, err: ErrOut): Out {
  if (r.stdoutToErr) return errAsOut(err)
  if (r.stdout === undefined) return io.out
  const fd = r.stdout
  const stream = createWriteStream('', { fd, autoClose: false })
  // A write that fails (a full disk) fails the next push or the flush; it must not go unheard.
  let failed: Error | undefined
  stream.on('error', e => { failed ??= e })
  const write = (chunk: string | Uint8Array) => { if (failed) throw failed; return writeStream(stream, chunk) }
  const renderer = new TextRenderer(write, { color: false, columns: 80 })
  return {
    fd,
    push: (item, from) => renderer.push(item, from),
    raw: async () => {
      await renderer.flush()
      // Bytes already on their way through the stream go first: then none.
      return stream.writableLength > 0 || failed ? undefined : rawOut(fd)
    },
    flush: async () => {
      await renderer.flush()
      await new Promise<void>(res => { if (stream.writableFinished || failed) res(); else stream.once('error', () => res()).end(res) })
      if (failed) throw failed
    },
  }
}

function errAsOut(err: ErrOut): Out {
  const renderer = new TextRenderer(chunk => err.write(chunk), { color: false, columns: err.columns })
  return { fd: err.fd, push: (item, from) => renderer.push(item, from), flush: () => renderer.flush() }
}

export function writeStream(stream: Writable, chunk: string | Uint8Array): Promise<void> | void {
  if (stream.destroyed) throw Object.assign(new Error('write after the reader went away'), { code: 'EPIPE' })
  if (stream.write(chunk)) return
  return drained(stream)
}

/**
 * Pushes a stage's output into its target; a reader that went away ends the stage quietly, a
 * target that cannot take the bytes (a full disk, EIO) fails it as bash does: `write error`, 1.
 */
async function drain(output: AsyncIterable<Item>, out: Out, run: Running, err: ErrOut): Promise<void> {
  let writing = false // an error while writing is the target's; any other is the stage's own
  try {
    for await (const item of output) {
      writing = true
      await out.push(item, run.def)
      writing = false
    }
    writing = true
    await out.flush?.()
  } catch (e) {
    if (e instanceof StageFailed || e instanceof ChannelClosed || isBrokenPipe(e)) { if (!(e instanceof StageFailed)) run.quiet = true; return }
    const why = writing ? writeErrorText(e) : undefined
    // A value the target cannot render (a BigInt that came in another way) fails this stage, not the run.
    const bad = writing && why === undefined ? unshowable(e) : undefined
    if (why === undefined && bad === undefined) throw e
    err.write(bad ? formatError(bad, run.def?.name) + '\n' : `fsh: write error: ${why}\n`)
    run.status = EXIT.failure
    throw new StageFailed(EXIT.failure)
  }
}

/** What a failed write to an output says (`no space left on device`), or undefined when not one. */
function writeErrorText(err: unknown): string | undefined {
  const e = err as { code?: unknown; message?: unknown } | null
  if (typeof e?.code !== 'string' || !/^E[A-Z0-9]+$/.test(e.code) || typeof e.message !== 'string') return undefined
  // Node's text is `ENOSPC: no space left on device, write`: keep the middle.
  return e.message.replace(/^E[A-Z0-9]+: /, '').replace(/, \w+$/, '')
}

// ---------------------------------------------------------------- externals

/** An upstream nobody reads (a stage whose stdin is redirected): closed, so its writer sees SIGPIPE. */
function dropUp(up: Up): void {
  if (up.t === 'pipe') closeFd(up.fd)
  else if (up.t === 'node') up.stream.destroy()
}

/** `pipes` undefined: no FIFO could be made, and the child's stdin or stdout is Node's own pipe. */
function startExternal(sh: Interpreter, stage: Extract<Prepared, { kind: 'ext' }>, up: Up, last: boolean, io: IO, err: ErrOut, pipes: OsPipe[] | undefined) {
  const r = stage.redirs
  const ours: number[] = [] // descriptors the child gets and we close once it has them
  let pumpFrom: Input | undefined
  let pumpTo: number | undefined
  let stdin: 'ignore' | 'pipe' | number
  if (r.stdin !== undefined) stdin = r.stdin
  else if (up.t === 'none') stdin = 'ignore'
  else if (up.t === 'fd') stdin = up.fd
  else if (up.t === 'pipe') { stdin = up.fd; ours.push(up.fd) }
  else {
    pumpFrom = toInput(up)
    const p = pipes?.shift()
    if (p) { stdin = p.r; ours.push(p.r); pumpTo = p.w } else stdin = 'pipe'
  }
  if (r.stdin !== undefined) dropUp(up)

  const redirectedOut = r.stdout !== undefined || r.stdoutToErr
  const outTarget: Out | undefined = redirectedOut || last ? stageOut(r, io, err) : undefined
  let stdout: 'pipe' | number
  let readFrom: number | undefined
  if (r.stdoutToErr && err.fd !== undefined) stdout = err.fd
  else if (r.stdout !== undefined) stdout = r.stdout
  else if (outTarget?.fd !== undefined && !r.stdoutToErr) stdout = outTarget.fd
  else {
    const p = pipes?.shift()
    if (p) { stdout = p.w; ours.push(p.w); readFrom = p.r } else stdout = 'pipe'
  }
  // Node's pipe is made at spawn, one per descriptor: `2>&1` into it is a second one, read with the first.
  const stderr = r.stderr === 'stdout' ? stdout : err.fd ?? 'pipe'
  const mergedErr = r.stderr === 'stdout' && stdout === 'pipe'
  const child = spawnProcess(stage.path, stage.argv.slice(1), {
    argv0: stage.argv[0],
    cwd: stage.cwd,
    env: stage.env,
    stdio: [stdin, stdout, stderr],
    detached: sh.detached,
  })
  // The child has its copies now; ours must close so each side sees EOF and SIGPIPE.
  for (const fd of ours) closeFd(fd)

  const run: Running = { done: Promise.resolve() }
  const exited = new Promise<void>(resolve => {
    child.once('error', e => {
      const failed = spawnFailure(e)
      err.write(`fsh: ${stage.name}: ${failed.message}\n`)
      run.status = failed.status
      resolve()
    })
    child.once('exit', (code, signal) => { run.status ??= exitStatus(code, signal); resolve() })
  })
  const parts: Promise<unknown>[] = [exited]
  if (child.stderr && !mergedErr) child.stderr.on('data', (c: Uint8Array) => err.write(c))
  const pumpInto = pumpTo !== undefined ? pipeWriter(pumpTo) : child.stdin
  if (pumpFrom && pumpInto) {
    parts.push(pump(pumpFrom, pumpInto).catch(e => {
      const bad = unshowable(e)
      if (!bad) throw e
      err.write(formatError(bad) + '\n')
      run.status = EXIT.failure
    }))
  }
  let next: Up = { t: 'none' }
  const viaNode = stdout === 'pipe' && child.stdout ? socketReader(child, mergedErr && child.stderr ? [child.stdout, child.stderr] : [child.stdout]) : undefined
  if (readFrom !== undefined && !outTarget) next = { t: 'pipe', fd: readFrom }
  else if (viaNode && !outTarget) next = { t: 'node', stream: viaNode }
  else if ((readFrom !== undefined || viaNode) && outTarget) {
    const reader = readFrom !== undefined ? pipeReader(readFrom) : viaNode!
    parts.push(drain(reader as AsyncIterable<Uint8Array>, outTarget, run, err).catch(() => { reader.destroy() }))
  } else if (outTarget?.flush) parts.push(exited.then(() => outTarget.flush!()))
  run.done = Promise.all(parts).then(() => {})
  return { child, run, next }
}

/** Values or bytes from a builtin into an external's stdin; an early exit of the reader is normal. */
async function pump(input: Input, stdin: Writable): Promise<void> {
  stdin.on('error', () => {})
  try {
    for await (const chunk of input.bytes()) {
      if (stdin.destroyed) break
      const w = writeStream(stdin, chunk)
      if (w) await w
    }
  } catch (e) {
    if (!(isBrokenPipe(e) || e instanceof StageFailed)) throw e
  } finally {
    await input.close()
    stdin.end()
  }
}
