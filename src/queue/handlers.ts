// What a job of each type does. Built in: `noop`, `sleep`, `shell` (an fsh command line) and
// `fetch` (an HTTP request, by fsh's own client); more come from `--handlers FILE.mjs` or the library.
import { STATUS_CODES } from 'node:http'
import { setTimeout as wait } from 'node:timers/promises'
import { pathToFileURL } from 'node:url'
import type { ShellApi } from '../runtime/command.ts'
import { FshError } from '../base/errors.ts'
import { parseDuration } from '../base/units.ts'
import { bodyChunks, exchange } from '../fetch/index.ts'

export interface JobContext {
  readonly id: number
  readonly type: string
  /** 1 on the first attempt. */
  readonly attempt: number
  readonly maxAttempts: number
  /** Fired when the job is cancelled, its lease is lost, it times out, or the worker shuts down. */
  readonly signal: AbortSignal
}

/** Returns (or resolves to) the job's result; throwing fails the attempt. */
export type JobHandler = (payload: any, job: JobContext) => unknown

export type Handlers = Record<string, JobHandler>

/** Bytes of a `shell` job's output kept as its result. */
const OUTPUT_TAIL = 4096

const FETCH_MAX_REDIRECTS = 10
const FETCH_CONNECT_MS = 10_000
const FETCH_IDLE_MS = 30_000

export function builtinHandlers(shell: ShellApi): Handlers {
  // Fetch jobs of one worker share keep-alive connections; idle ones do not hold the process.
  const connections = new AbortController()
  return {
    noop: () => null,
    sleep: async (payload, job) => {
      const ms = durationOf(payload?.ms ?? payload?.duration ?? payload, 'sleep')
      await wait(ms, null, { signal: job.signal })
      return null
    },
    shell: async (payload, job) => {
      const cmd = typeof payload === 'string' ? payload : payload?.cmd
      if (typeof cmd !== 'string' || !cmd) throw new Error(`a shell job's payload is {"cmd": "LINE"}`)
      const signal = payload?.timeout === undefined ? job.signal : AbortSignal.any([job.signal, timeoutSignal(durationOf(payload.timeout, 'shell'))])
      const r = await shell.run(cmd, { signal })
      if (job.signal.aborted) throw job.signal.reason
      if (signal.aborted) throw new Error(`timed out after ${payload.timeout}`)
      if (r.exitCode !== 0) throw new Error(`exit ${r.exitCode}${r.stderr.trim() ? `: ${lastLine(r.stderr)}` : ''}`)
      return { exit_code: 0, stdout: r.stdout.slice(-OUTPUT_TAIL) }
    },
    fetch: async (payload, job) => {
      if (typeof payload?.url !== 'string') throw new Error(`a fetch job's payload is {"url": "...", "method"?, "headers"?, "body"?}`)
      const body = payload.body === undefined || typeof payload.body === 'string' ? payload.body : JSON.stringify(payload.body)
      const x = await exchange({
        url: payload.url,
        method: String(payload.method ?? (body === undefined ? 'GET' : 'POST')).toUpperCase(),
        headers: Object.entries((payload.headers ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]),
        body: body === undefined ? undefined : { make: () => body, replayable: true },
        maxRedirects: FETCH_MAX_REDIRECTS,
        connectMs: FETCH_CONNECT_MS,
        idleMs: FETCH_IDLE_MS,
        // The queue retries the job; a timeout of its own is the job's --timeout.
        retries: 0, retryDelayMs: 0, retryMaxDelayMs: 0,
        run: job.signal,
        pool: connections.signal,
        log: () => {},
      })
      let bytes = 0
      for await (const chunk of bodyChunks(x)) bytes += chunk.byteLength
      if (x.res.status >= 400) throw new Error(`HTTP ${x.res.status} ${STATUS_CODES[x.res.status] ?? ''} from ${payload.url}`.replace('  ', ' '))
      return { status: x.res.status, bytes }
    },
  }
}

/** A module's handlers: its default export (an object of functions) or its exported functions. */
export async function loadHandlers(file: string): Promise<Handlers> {
  let mod: Record<string, unknown>
  try {
    mod = await import(pathToFileURL(file).href)
  } catch (err) {
    throw new FshError(1, `cannot load handlers from ${file}: ${(err as Error).message.split('\n')[0]}`)
  }
  const source = mod.default && typeof mod.default === 'object' ? (mod.default as Record<string, unknown>) : mod
  const out: Handlers = {}
  for (const [name, fn] of Object.entries(source)) if (typeof fn === 'function' && name !== 'default') out[name] = fn as JobHandler
  if (!Object.keys(out).length) throw new FshError(1, `${file} exports no handler functions (export function TYPE(payload, job) { ... })`)
  return out
}

function durationOf(v: unknown, type: string): number {
  const ms = typeof v === 'number' ? v : typeof v === 'string' ? parseDuration(v) : undefined
  if (ms === undefined || !(ms >= 0)) throw new Error(`a ${type} job needs a duration like 2s or 250 (ms), got ${JSON.stringify(v)}`)
  return ms
}

/** An AbortSignal that fires after `ms`; beyond what a timer can hold it never fires. */
export function timeoutSignal(ms: number): AbortSignal {
  return ms > MAX_TIMER_MS ? new AbortController().signal : AbortSignal.timeout(ms)
}

/** setTimeout's ceiling: longer delays would fire at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1

function lastLine(text: string): string {
  const lines = text.trim().split('\n')
  return lines[lines.length - 1]!.replace(/^fsh: /, '')
}
