// What the supervisor is asked to keep running: one program with its policy. Plain data, so that
// it travels over the daemon's socket and rests in its database as JSON.
import { statSync } from 'node:fs'
import { FshError } from '../base/errors.ts'
import { parseDuration } from '../base/units.ts'
import { resolveExecutable } from '../runtime/external.ts'

export type RestartPolicy = 'always' | 'on-failure' | 'never'
export const RESTART_POLICIES: readonly RestartPolicy[] = ['always', 'on-failure', 'never']

/** Delay before the n-th restart in a row: initialMs × factor^n, at most maxMs. */
export interface Backoff { initialMs: number; factor: number; maxMs: number }

export interface ProgramSpec {
  name: string
  /** Program and arguments, as spawn takes them. */
  command: string[]
  cwd: string
  /** The whole environment the child gets. */
  env: Record<string, string>
  restart: RestartPolicy
  maxRestarts: number
  backoff: Backoff
  /** A run at least this long resets the backoff to its first step. */
  minUptimeMs: number
  healthUrl?: string
  healthIntervalMs: number
  killTimeoutMs: number
  maxLogSize: number
  maxLogFiles: number
  /** Online only once the child says so over IPC (`process.send('ready')`) or its PORT accepts. */
  waitReady: boolean
  timestamps: boolean
  instances: number
}

export const DEFAULT_BACKOFF: Backoff = { initialMs: 1000, factor: 2, maxMs: 30_000 }

/** `1s:2x:30s` (first delay, growth factor, cap); the last parts may be left out. */
export function parseBackoff(text: string): Backoff | undefined {
  const [first, factor, max] = text.split(':')
  const initialMs = parseDuration(first ?? '')
  const f = factor === undefined ? DEFAULT_BACKOFF.factor : Number(factor.replace(/x$/i, ''))
  const maxMs = max === undefined ? Math.max(initialMs ?? 0, DEFAULT_BACKOFF.maxMs) : parseDuration(max)
  if (initialMs === undefined || maxMs === undefined || !(initialMs >= 0) || !(f >= 1) || !(maxMs >= initialMs)) return undefined
  return { initialMs, factor: f, maxMs }
}

export function backoffDelay(b: Backoff, step: number): number {
  return Math.min(b.maxMs, b.initialMs * b.factor ** step)
}

/** A name that is safe as a file name and on a command line. */
export const isProgramName = (name: string): boolean => /^[\w][\w.@-]{0,63}$/.test(name)

/** The name of instance i of n (`web` alone when there is one). */
export const instanceName = (name: string, i: number, n: number): string => (n > 1 ? `${name}:${i}` : name)

/** Refuses, before anything runs, a working directory or a program that is not there. */
export function checkProgram(spec: ProgramSpec): void {
  let st
  try {
    st = statSync(spec.cwd)
  } catch {
    throw new FshError(1, `--cwd ${spec.cwd}: no such directory`)
  }
  if (!st.isDirectory()) throw new FshError(1, `--cwd ${spec.cwd}: not a directory`)
  resolveExecutable(spec.command[0]!, spec.env, spec.cwd)
}
