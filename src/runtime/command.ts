// One definition per command drives its flags, --help, completion, docs and the example tests.
import type { Block } from '../lang/ast.ts'
import type { JobTable } from './jobs.ts'
import type { Input, InputOrigin } from './stream.ts'
import type { RawOut } from './raw-out.ts'
import type { FieldReport } from '../expr/index.ts'
import type { Item, Rec, Value } from '../base/values.ts'

export type FlagType = 'boolean' | 'string' | 'number' | 'duration' | 'size' | 'strings'

export interface FlagSpec {
  type: FlagType
  /** One-letter alias, used as `-x`. */
  alias?: string
  default?: unknown
  describe: string
  /** Placeholder in help (`--top N`). */
  arg?: string
  choices?: readonly string[]
}

type FlagValue<S> = S extends { type: 'boolean' } ? boolean
  : S extends { type: 'number' | 'duration' | 'size' } ? number
  : S extends { type: 'strings' } ? string[]
  : string

/** The parsed flags: booleans and lists are always present, others when given or defaulted. */
export type Flags<F> = {
  -readonly [K in keyof F]: F[K] extends { type: 'boolean' | 'strings' } | { default: {} } ? FlagValue<F[K]> : FlagValue<F[K]> | undefined
}

/** What a positional argument must be. `path` is text that completes as a file name; `any` takes
 *  whatever was passed (text, a value, a block) as it is. */
export type ArgType = 'string' | 'int' | 'number' | 'duration' | 'size' | 'path' | 'block' | 'record' | 'any'

export interface ArgSpec {
  /** Shown upper-case in the usage line and in errors (`N`, `FILE...`). */
  name: string
  type: ArgType
  describe: string
  optional?: boolean
  /** Takes every argument from here on, as a list (at least one unless optional). Only the last. */
  variadic?: boolean
  /** int and number: the smallest value accepted. */
  min?: number
}

type ArgScalar<T> = T extends 'int' | 'number' | 'duration' | 'size' ? number
  : T extends 'block' ? Closure
  : T extends 'record' ? Rec
  : T extends 'any' ? Arg
  : string

type ArgValue<S> = S extends { type: infer T } ? S extends { variadic: true } ? ArgScalar<T>[]
  : S extends { optional: true } ? ArgScalar<T> | undefined
  : ArgScalar<T> : never

/** The checked positionals, in the order declared; a variadic one is a list. */
export type Args<A extends readonly ArgSpec[]> = { -readonly [K in keyof A]: ArgValue<A[K]> }

/** A `{ ... }` block passed as an argument (to `each`, for example), with the scope it was written in. */
export class Closure {
  constructor(readonly block: Block, readonly scope: unknown) {}
  get source(): string { return this.block.source }
}

/** An argument after expansion: text, a value passed through a variable, or a block. */
export type Arg = Value | Closure

export interface Example {
  line: string
  /** Expected text on stdout (non-TTY rendering), compared after trimming trailing newlines. */
  output?: string
  description?: string
  /** Files to create in the example's temporary working directory first. */
  files?: Record<string, string>
  /** Expected exit code, 0 unless said. */
  exit?: number
}

export interface TextSink {
  write(chunk: string | Uint8Array): void
  readonly isTTY: boolean
  readonly columns: number
  /** The descriptor behind it, when there is one. */
  readonly fd?: number
}

export interface RunOptions {
  cwd?: string
  env?: Record<string, string>
  signal?: AbortSignal
  input?: string | Uint8Array | Value[] | AsyncIterable<Uint8Array>
}

export interface RunResult {
  exitCode: number
  records: Value[]
  stdout: string
  stderr: string
}

/** What a running command may ask of the shell that runs it. */
export interface ShellApi {
  readonly cwd: string
  readonly env: Record<string, string>
  chdir(path: string): void
  getVar(name: string): Value | undefined
  setVar(name: string, value: Value): void
  /** Runs a command line in a sub-scope of this shell and collects its output. */
  run(line: string, opts?: RunOptions): Promise<RunResult>
  /** Runs a block with `$it` (and the given variables) bound, streaming what it yields. */
  runClosure(closure: Closure, input: Input, vars: Record<string, Value>, signal: AbortSignal): AsyncIterable<Item>
  commandNames(): string[]
  findCommand(name: string): Promise<CommandDef | undefined>
  /** Where fsh keeps its state for this shell ($FSH_HOME or XDG). */
  readonly home: { config: string; state: string }
  /** Background pipelines started with `&`. */
  readonly jobs: JobTable
  /** Command lines that are each one pipeline, joined as `a | b` joins them: resolved, ready to run
   *  under an observer (`pipe`). */
  planPipeline(lines: string[]): Promise<PipelinePlan>
}

/** One stage of a planned pipeline: what its command name resolves to. */
export interface StagePlan {
  /** Index of the command line it came from. */
  line: number
  name: string
  kind: 'builtin' | 'external' | 'function' | 'block'
  /** The program an external runs, when it was found. */
  path: string | null
  /** Why it cannot run: 127 not found, 126 not executable. */
  error?: { code: number; message: string }
}

export interface PipelinePlan {
  readonly stages: StagePlan[]
  /** A line that is not one pipeline (a parse error, `;`, `&&`, `&`): nothing can run. */
  readonly problem?: { line: number; message: string }
  /** Starts the stages; the last one's output streams from `output`, the pipefail status resolves at the end. */
  run(opts: { input?: Input; err: TextSink; signal: AbortSignal; observer?: PipelineObserver }): { output: AsyncIterable<Item>; status: Promise<number> }
}

/** Supervision of a pipeline's stages, numbered from 0 (the `pipe` command). Everything is optional. */
export interface PipelineObserver {
  /** A stage starts: externals when spawned, in-process stages when first asked for output. */
  onStart?(k: number, info: { pid?: number }): void
  /** A stage ended. `quiet`: its reader went away, or the stage before it failed. */
  onExit?(k: number, end: { status: number; signal: string | null; quiet: boolean }): void
  /** When set, what stages write to stderr comes here (through a pipe for externals) and not to the
   *  shell's stderr. While a returned promise is pending, the stage's stderr is not read (backpressure). */
  onStderr?(k: number, chunk: Uint8Array): void | Promise<void>
  /** What a stage wrote, counted where it passes through this process (not fd-to-fd between externals,
   *  not an external's into the pipeline's output): called with 0, 0 when counting starts. */
  onOutput?(k: number, bytes: number, values: number): void
  /** A copy of a stage's output (values as NDJSON lines); an external's output then passes through this process. */
  tap?(k: number): ((chunk: Uint8Array) => Promise<void> | void) | undefined
  /** What an abort sends to the process groups: SIGINT unless set (read at the moment of the abort). */
  killSignal?: 'SIGINT' | 'SIGTERM' | 'SIGKILL' | 'SIGHUP'
}

export interface Ctx<F = Record<string, unknown>, A = unknown[]> {
  /** Full command name, `loglens summary` for a subcommand. */
  readonly name: string
  /** The positional arguments, already checked and converted to their declared types. */
  readonly args: A
  readonly flags: F
  /** Words after a literal `--` (`pilot start NAME -- CMD ARG`). */
  readonly rest: string[]
  readonly cwd: string
  readonly env: Readonly<Record<string, string>>
  readonly signal: AbortSignal
  readonly shell: ShellApi
  readonly stdout: {
    readonly isTTY: boolean
    readonly columns: number
    /** The descriptor the output goes to, for a command that writes its bytes there itself (a download):
     *  undefined unless it is the shell's stdout or a `> FILE` and nothing reads the output in between.
     *  Call it before the first output, and then emit nothing else. */
    raw?(): Promise<RawOut | undefined>
  }
  readonly stderr: TextSink
  /** Set for a non-zero exit that is not an error message (a failed check, a best-effort run). */
  exitCode: number
  /** A line of text on stderr, as is. */
  log(line: string): void
  /** `fsh: CMD: message` on stderr, and go on. */
  warn(message: string): void
  /** Progress of long work: a bar when total is known, a spinner with counts when not. */
  progress(done: number, total?: number, unit?: string): void
  /** Lines that show the work as it goes (one per step, say), redrawn in the REPL's live area while
   *  the command runs; returns their removal, or undefined where there is no such area. */
  live(lines: () => readonly string[]): (() => void) | undefined
  /** A path resolved against this shell's cwd, with `~` expanded. */
  resolve(path: string): string
  /** Stops the command with `fsh: CMD: message` and the exit code (1 unless given). */
  fail(message: string, code?: number): never
  /** A usage error: exit 2 with `hint: fsh help CMD`. */
  usage(message: string): never
}

export type RunReturn = AsyncIterable<Item> | Promise<Item | void> | Item | void

export type InOut = 'none' | 'bytes' | 'records' | 'any'

/** What a downstream `where` hands the command it reads from, to apply while reading. */
export interface FilterRequest {
  /** The condition's text (compiled again where it runs on other threads). */
  expr: string
  test: (value: unknown) => boolean
  /** The variables the condition reads, by value. */
  vars: Record<string, unknown>
  env: Readonly<Record<string, string>>
  signal: AbortSignal
  /** A type error of the condition at the record numbered `record` (from 1). */
  typeError(message: string, record: number): never
  /** The values turned out to be text, not records. */
  onText(): void
  /** Which of the condition's fields the records had, from each part of the input read. */
  onFields(report: FieldReport): void
  /** A line of text on stderr. */
  log(line: string): void
}

export interface CommandDef<F extends Record<string, FlagSpec> = Record<string, FlagSpec>, A extends readonly ArgSpec[] = readonly ArgSpec[]> {
  name: string
  summary: string
  /** Longer explanation shown by --help after the summary. */
  description?: string
  flags?: F
  /** The positional arguments, checked before run(); none when left out. */
  args?: A
  /** The rest of the line is one expression, not words (`where status > 500 && ms < 2s`): the parser
   *  learns it from this flag through the generated commands/raw-args.ts. */
  rawArgs?: boolean
  /** Arguments are taken as they are: no flag parsing except a lone `--help`. */
  noFlags?: boolean
  /** 'record' means one summary record: `--json` prints one JSON document instead of NDJSON. */
  output?: InOut | 'record'
  /** How positional arguments complete on Tab, when not as their type says (`path`: file names). */
  complete?: 'commands' | 'builtins' | 'variables' | readonly string[]
  /** Human rendering of a summary record at the end of a pipeline (no --json). */
  format?(value: Value, ctx: { color: boolean; columns: number }): string
  examples?: Example[]
  subcommands?: CommandDef<any, any>[]
  /** Its own full-screen view in the REPL, opened with `:NAME [FILE]`. */
  replView?: ReplView
  /** A long-running service (`serve`, `queue work`): Ctrl-C or SIGTERM fires its ctx.signal only;
   *  it finishes what it has in hand and returns, the stages after it read its output to the end
   *  (a `save` keeps every record), and the line's status is the pipeline's own, 0 when it stopped
   *  cleanly. */
  service?: boolean
  /** Applies a downstream `where` while reading, when it can do better than the plain stream (open
   *  scans a big NDJSON file on worker threads): the kept values, or undefined to stream as usual. */
  filter?(origin: InputOrigin, req: FilterRequest): AsyncIterable<Value[]> | undefined
  run?(ctx: Ctx<Flags<F>, Args<A>>, input: Input): RunReturn
}

/** What a REPL view is asked to show: a file, or code typed at the view's own prompt. */
export interface ViewRequest { file?: string; code?: string }

export interface ReplView {
  /** `:help`'s line: the argument it takes (`[FILE.js]`) and what it shows. */
  usage: string
  summary: string
  /** Without a file the REPL reads code first (Enter: a new line; Ctrl-D: done; Ctrl-C: drop it). */
  code?: { prompt: string; hint: string }
  /** Has the terminal until it is done (loaded only now: the REPL starts without it); writes what
   *  went wrong on stderr; resolves with the exit status. */
  show(req: ViewRequest, opts: { cwd: string; env: Record<string, string>; signal: AbortSignal }): Promise<number>
}

export function defineCommand<const F extends Record<string, FlagSpec> = {}, const A extends readonly ArgSpec[] = []>(def: CommandDef<F, A>): CommandDef<F, A> {
  return def
}
