// A workflow file is fsh: evaluating it *declares* its steps. Each `step NAME [FLAGS] { ... }`
// statement is collected (name, needs, options, where it is) instead of run, so loops, `let` and
// `def` can generate steps. The same evaluation, told which step to run, runs that block in place
// (with the variables the loop or the script had bound at that point) and stops there.
import type { Pos, Program } from '../lang/ast.ts'
import { ParseError } from '../lang/parser.ts'
import { CommandSet } from '../builtins.ts'
import { Shell } from '../runtime/shell.ts'
import type { StepCall } from '../runtime/interpreter.ts'
import { ExitSignal, type ErrOut, type IO } from '../runtime/scope.ts'
import { parseDuration } from '../base/units.ts'
import { toText, type Value } from '../base/values.ts'

export interface StepDecl {
  name: string
  needs: string[]
  /** Attempts after the first that a failure may take. */
  retries: number
  /** The first retry's delay; each next one doubles it. */
  backoffMs: number
  timeoutMs: number | null
  /** A command line that must succeed for the step to run, checked when its needs are met; null: always. */
  if: string | null
  pos: Pos
}

/** One thing wrong with a workflow, where it is (line 0: the file as a whole). */
export interface Problem { line: number; col: number; message: string }

export interface EvalOptions {
  /** Shown as `$0`. */
  file: string
  args: string[]
  cwd: string
  env: Record<string, string>
  home: { config: string; state: string }
  signal?: AbortSignal
}

const STEP_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/
const DEFAULT_BACKOFF_MS = 1000
/** `--if` values that decide at once, without running anything. */
const TRUE_WORDS = new Set(['true', 'yes', '1'])
const FALSE_WORDS = new Set(['false', 'no', '0', ''])

/** The words after `step`, read as a declaration, or the problem with them. */
export function readStep(words: Value[], pos: Pos): StepDecl | Problem {
  const bad = (message: string): Problem => ({ ...pos, message })
  const decl: StepDecl = { name: '', needs: [], retries: 0, backoffMs: DEFAULT_BACKOFF_MS, timeoutMs: null, if: null, pos }
  const texts = words.map(w => toText(w))
  for (let k = 0; k < texts.length; k++) {
    const word = texts[k]!
    if (!word.startsWith('--')) {
      if (decl.name) return bad(`step ${decl.name}: unexpected '${word}' (one name, then flags, then { ... })`)
      if (!STEP_NAME.test(word)) return bad(`step name '${word}' must be letters, digits and _ . - (it names log files)`)
      decl.name = word
      continue
    }
    const eq = word.indexOf('=')
    const flag = eq < 0 ? word.slice(2) : word.slice(2, eq)
    const value = eq < 0 ? texts[++k] : word.slice(eq + 1)
    const who = `step ${decl.name || '?'}`
    if (value === undefined) return bad(`${who}: --${flag} needs a value`)
    switch (flag) {
      case 'needs':
        decl.needs.push(...value.split(',').map(s => s.trim()).filter(Boolean))
        break
      case 'retries': {
        const n = Number(value)
        if (!Number.isInteger(n) || n < 0 || n > 100) return bad(`${who}: --retries expects a whole number from 0 to 100, got '${value}'`)
        decl.retries = n
        break
      }
      case 'timeout':
      case 'backoff': {
        const ms = parseDuration(value)
        if (ms === undefined || ms <= 0) return bad(`${who}: --${flag} expects a duration like 10m or 500ms, got '${value}'`)
        if (flag === 'timeout') decl.timeoutMs = ms
        else decl.backoffMs = ms
        break
      }
      case 'if': {
        const v = value.trim()
        decl.if = TRUE_WORDS.has(v) ? null : FALSE_WORDS.has(v) ? 'false' : v
        break
      }
      default:
        return bad(`${who}: unknown flag --${flag} (known: --needs --retries --timeout --backoff --if)`)
    }
  }
  if (!decl.name) return bad('step needs a name: step NAME [--needs a,b] { ... }')
  return decl
}

/** Duplicate names, unknown needs and cycles, one problem each. */
export function checkGraph(steps: readonly StepDecl[]): Problem[] {
  const problems: Problem[] = []
  const byName = new Map<string, StepDecl>()
  for (const s of steps) {
    const first = byName.get(s.name)
    if (first) problems.push({ ...s.pos, message: `step ${s.name} is declared twice (first at ${first.pos.line}:${first.pos.col})` })
    else byName.set(s.name, s)
  }
  for (const s of byName.values()) {
    for (const n of s.needs) {
      if (n === s.name) problems.push({ ...s.pos, message: `step ${s.name} needs itself` })
      else if (!byName.has(n)) problems.push({ ...s.pos, message: `step ${s.name} needs '${n}', which is not a step of this workflow` })
    }
  }
  // Depth-first, in declaration order: the first back edge found names the cycle.
  const state = new Map<string, 'open' | 'done'>()
  const path: string[] = []
  const visit = (s: StepDecl): boolean => {
    state.set(s.name, 'open')
    path.push(s.name)
    for (const n of s.needs) {
      const next = byName.get(n)
      if (!next || n === s.name) continue
      if (state.get(n) === 'open') {
        const cycle = [...path.slice(path.indexOf(n)), n]
        problems.push({ ...byName.get(n)!.pos, message: `cycle in --needs: ${cycle.join(' -> ')}` })
        return true
      }
      if (!state.has(n) && visit(next)) return true
    }
    path.pop()
    state.set(s.name, 'done')
    return false
  }
  for (const s of byName.values()) if (!state.has(s.name) && visit(s)) break
  return problems
}

/** Evaluates the workflow and collects its steps; nothing in a step's block runs. */
export async function declareWorkflow(source: string, opts: EvalOptions): Promise<{ steps: StepDecl[]; problems: Problem[] }> {
  const steps: StepDecl[] = []
  const problems: Problem[] = []
  const shell = workflowShell(opts, async call => {
    const decl = readStep(call.words, call.pos)
    if ('message' in decl) problems.push(decl)
    else if (!call.block) problems.push({ ...call.pos, message: `step ${decl.name} needs a block: step ${decl.name} { ... }` })
    else steps.push(decl)
    return 0
  })
  const syntax = syntaxProblem(shell, source)
  if (syntax) return { steps: [], problems: [syntax] }
  let errText = ''
  const io = quietIO(chunk => { errText = (errText + chunk).slice(-4096) })
  const { status } = await shell.execute(source, io, { errexit: true, positional: opts.args, signal: opts.signal })
  if (status !== 0) {
    const last = errText.trim().split('\n').pop()?.replace(/^fsh: /, '')
    problems.push({ line: 0, col: 0, message: `the workflow failed while declaring its steps (exit ${status})${last ? `: ${last}` : ''}` })
  }
  if (!problems.length && !steps.length) problems.push({ line: 0, col: 0, message: 'no steps: declare some with step NAME { ... }' })
  problems.push(...checkGraph(steps))
  return { steps, problems }
}

export type StepEnd = { t: 'ran'; status: number } | { t: 'skipped'; reason: string } | { t: 'missing' }

/** Evaluates the workflow up to step `target` and runs its block in place, on `io`; the rest of
 *  the file does not run. Checks the step's `--if` first. `program` is `source` parsed, if it was. */
export async function runDeclaredStep(source: string, target: string, opts: EvalOptions, io: IO, program?: Program): Promise<StepEnd> {
  let end = { t: 'missing' } as StepEnd
  const shell = workflowShell(opts, async (call: StepCall) => {
    const decl = readStep(call.words, call.pos)
    if ('message' in decl || decl.name !== target) return 0
    if (decl.if !== null) {
      const cond = decl.if === 'false' ? 1 : (await shell.execute(decl.if, io, { signal: opts.signal })).status
      if (cond !== 0) { end = { t: 'skipped', reason: `--if ${decl.if}: false` }; throw new ExitSignal(0) }
    }
    end = { t: 'ran', status: 1 }
    const status = await call.run()
    end = { t: 'ran', status }
    throw new ExitSignal(status)
  })
  const { status } = await shell.execute(source, io, { errexit: true, positional: opts.args, signal: opts.signal, program })
  // A failing block ends the script by errexit: its status is the step's.
  return end.t === 'ran' ? { t: 'ran', status } : end
}

/** `source` parsed as a workflow is (a host parses each run's copy once, not once per step). */
export function parseWorkflow(source: string): Program {
  return workflowShell({ file: '', args: [], cwd: '/', env: {}, home: { config: '', state: '' } }, async () => 0).parse(source)
}

function workflowShell(opts: EvalOptions, onStep: (call: StepCall) => Promise<number>): Shell {
  // Children stay in this process's group: a step's whole process tree is one group to signal.
  const shell = new Shell({ commands: new CommandSet(), cwd: opts.cwd, env: { ...opts.env }, home: opts.home, detached: false, onStep })
  shell.setVariable('0', opts.file)
  shell.setVariable('args', opts.args)
  return shell
}

function syntaxProblem(shell: Shell, source: string): Problem | undefined {
  try {
    shell.parse(source)
    return undefined
  } catch (e) {
    if (!(e instanceof ParseError)) throw e
    const message = e.message.split('\n')[0]!.replace(/^syntax error at \d+:\d+: /, '')
    return { line: e.pos.line, col: e.pos.col, message: `syntax error: ${message}` }
  }
}

/** Output dropped, error text handed to `onErr`: declaring runs the top level, not the steps. */
function quietIO(onErr: (text: string) => void): IO {
  const err: ErrOut = { isTTY: false, columns: 80, write: c => onErr(typeof c === 'string' ? c : Buffer.from(c).toString()) }
  return { source: { t: 'none' }, out: { push: () => {} }, err }
}
