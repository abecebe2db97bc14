// The flags `pilot start` and `pilot run` share, and the program spec they make.
import type { Ctx, FlagSpec, Flags } from '../../src/prelude.ts'
import { basename } from 'node:path'
import { checkProgram, isProgramName, parseBackoff, RESTART_POLICIES, type ProgramSpec, type RestartPolicy } from '../../src/pilot/spec.ts'

export const programFlags = {
  restart: { type: 'string', arg: 'POLICY', choices: RESTART_POLICIES, default: 'always', describe: 'when to start it again after it exits' },
  'max-restarts': { type: 'number', arg: 'N', default: 15, describe: 'restarts in a row, each within --min-uptime, before it is errored' },
  backoff: { type: 'string', arg: 'FIRST:FACTORx:MAX', default: '1s:2x:30s', describe: 'delay before a restart, growing per restart in a row' },
  'min-uptime': { type: 'duration', arg: 'DURATION', default: 10_000, describe: 'a run this long resets the backoff and the restart count' },
  'health-url': { type: 'string', arg: 'URL', describe: `checked every --health-interval; 3 failures in a row restart it` },
  'health-interval': { type: 'duration', arg: 'DURATION', default: 5000, describe: 'time between health checks (and each one\'s timeout)' },
  'kill-timeout': { type: 'duration', arg: 'DURATION', default: 5000, describe: 'after SIGTERM, how long before SIGKILL' },
  'max-log-size': { type: 'size', arg: 'SIZE', default: 10_000_000, describe: 'rotate NAME.out.log and NAME.err.log at this size (at a line end)' },
  'max-log-files': { type: 'number', arg: 'N', default: 5, describe: 'rotated log files kept' },
  timestamps: { type: 'boolean', describe: 'start each log line with the time' },
  cwd: { type: 'string', arg: 'DIR', describe: 'working directory (default: the current one)' },
  env: { type: 'strings', arg: 'K=V', describe: 'an environment variable for the program (repeatable)' },
  'wait-ready': { type: 'boolean', describe: "online only once it sends 'ready' over IPC (process.send) or its $PORT accepts" },
} as const satisfies Record<string, FlagSpec>

type ProgramFlags = Flags<typeof programFlags>

/** The spec the flags describe; usage errors for what does not parse, others for a missing cwd or program. */
export function programSpec(ctx: Ctx<ProgramFlags & { instances?: number; port?: number }>, name: string | undefined): ProgramSpec {
  const f = ctx.flags
  const command = ctx.rest
  if (!command.length) ctx.usage('no program to run: give it after --, as in `-- node server.js`')
  name ??= basename(command[0]!)
  if (!isProgramName(name)) ctx.usage(`a name is letters, digits and _ . @ - (at most 64), got '${name}'`)
  const backoff = parseBackoff(f.backoff)
  if (!backoff) ctx.usage(`--backoff expects FIRST:FACTORx:MAX like 1s:2x:30s, got '${f.backoff}'`)
  const whole = (flag: string, n: number, min: number) => { if (!(Number.isInteger(n) && n >= min)) ctx.usage(`--${flag} expects a whole number from ${min}, got ${n}`) }
  whole('max-restarts', f['max-restarts'], 0)
  whole('max-log-files', f['max-log-files'], 0)
  const instances = f.instances ?? 1
  whole('instances', instances, 1)
  if (f['max-log-size'] < 1) ctx.usage('--max-log-size must be at least 1 byte')
  if (f['health-interval'] < 10) ctx.usage('--health-interval must be at least 10ms')
  if (f['health-url'] !== undefined && !/^https?:\/\/[^/]/.test(f['health-url'])) ctx.usage(`--health-url expects an http:// URL, got '${f['health-url']}'`)
  // No prototype: `--env __proto__=x` is a variable like any other.
  const env: Record<string, string> = Object.assign(Object.create(null), ctx.env)
  for (const kv of f.env) {
    const eq = kv.indexOf('=')
    if (eq < 1) ctx.usage(`--env expects K=V, got '${kv}'`)
    env[kv.slice(0, eq)] = kv.slice(eq + 1)
  }
  if (f.port !== undefined) {
    whole('port', f.port, 1)
    env.PORT = String(f.port)
  }
  const spec: ProgramSpec = {
    name, command, cwd: ctx.resolve(f.cwd ?? '.'), env,
    restart: f.restart as RestartPolicy, maxRestarts: f['max-restarts'], backoff: backoff!,
    minUptimeMs: f['min-uptime'], healthUrl: f['health-url'], healthIntervalMs: f['health-interval'],
    killTimeoutMs: f['kill-timeout'], maxLogSize: f['max-log-size'], maxLogFiles: f['max-log-files'],
    waitReady: f['wait-ready'], timestamps: f.timestamps, instances,
  }
  checkProgram(spec)
  return spec
}
