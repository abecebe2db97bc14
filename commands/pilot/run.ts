// `pilot run [flags] -- CMD ARG...`: the supervisor in the foreground, for scripts and containers.
import { defineCommand } from '../../src/prelude.ts'
import { eventLine, superviseForeground } from '../../src/pilot/foreground.ts'
import { programFlags, programSpec } from './program-flags.ts'

export default defineCommand({
  name: 'run',
  summary: 'Supervise a program in the foreground: its output streams through, restarts as the flags say',
  description: `
Usage: pilot run [FLAGS] -- CMD ARG...
The same supervision as \`pilot start\`, in this process and without the daemon: stdout flows down the
pipeline, stderr to stderr, each decision to stderr as \`pilot: NAME: from -> to: reason\`. Ctrl-C,
SIGTERM or the run's AbortSignal is sent on to the program's process group (SIGKILL after
--kill-timeout). Exits with the program's status once the policy says not to start it again.`,
  flags: {
    ...programFlags,
    name: { type: 'string', arg: 'NAME', describe: 'the name in its messages (default: the program)' },
    quiet: { type: 'boolean', alias: 'q', describe: 'no decisions on stderr' },
  },
  output: 'bytes',
  examples: [
    { line: 'pilot run --restart never -- echo hi', output: 'hi' },
    {
      line: "pilot run --restart on-failure --max-restarts 2 --backoff 10ms -q -- sh -c 'echo try; exit 3'",
      output: 'try\ntry\ntry',
      exit: 3,
      description: 'two restarts, then errored with the last exit status',
    },
  ],
  async *run(ctx) {
    const spec = programSpec(ctx, ctx.flags.name)
    // Each chunk with what tells the supervisor it was taken (it reads on while few are waiting).
    const chunks: { chunk: Uint8Array; taken: () => void }[] = []
    let wake: (() => void) | undefined
    let finished = false
    let readerGone = false
    const poke = () => { wake?.(); wake = undefined }
    // Stopped by the run's signal, or by a reader that went away (`| first 1`).
    const stop = new AbortController()
    const onAbort = () => stop.abort(ctx.signal.reason)
    ctx.signal.addEventListener('abort', onAbort, { once: true })
    const status = superviseForeground(spec, {
      signal: stop.signal,
      // Once nobody reads (the loop below ended), output is dropped.
      stdout: chunk => (readerGone ? Promise.resolve() : new Promise<void>(taken => { chunks.push({ chunk, taken }); poke() })),
      stderr: chunk => ctx.stderr.write(chunk),
      event: e => { if (!ctx.flags.quiet) ctx.log(`pilot: ${eventLine(e)}`) },
    }).finally(() => { finished = true; poke() })
    try {
      for (;;) {
        while (chunks.length) {
          const { chunk, taken } = chunks.shift()!
          yield chunk
          taken()
        }
        if (finished) break
        await new Promise<void>(r => (wake = r))
      }
    } finally {
      ctx.signal.removeEventListener('abort', onAbort)
      readerGone = true
      if (!finished) {
        stop.abort()
        for (const c of chunks.splice(0)) c.taken()
        await status.catch(() => {})
      }
    }
    ctx.exitCode = await status
  },
})
