// A pipeline's stages before they run: each command resolved to a builtin, a function or block,
// or a program on PATH, its words expanded and its redirections opened.
import type { Command, Pos, Redirect, SimpleCommand } from '../lang/ast.ts'
import { expandArgs, expandString } from '../lang/expand.ts'
import { Closure, type Arg, type CommandDef } from './command.ts'
import { EXIT, FshError } from '../base/errors.ts'
import { nearName } from '../base/near-name.ts'
import { programsOnPath, resolveExecutable } from './external.ts'
import { closeSync, fstatSync, openSync } from 'node:fs'
import { type Frame, type IO, resolvePath } from './scope.ts'
import { toText } from '../base/values.ts'
import { claimFile } from './same-file.ts'
import type { Interpreter } from './interpreter.ts'

/** A failed builtin stops the stages after it; this travels down the chain and is not reported again. */
export class StageFailed extends Error {
  constructor(readonly code: number) { super(`stage failed (${code})`) }
}

export interface Redirs { stdin?: number; stdout?: number; stderr?: number | 'stdout'; stdoutToErr?: boolean; opened: number[]; claims?: (() => void)[] }

export type Prepared =
  | { kind: 'ext'; name: string; path: string; argv: string[]; cwd: string; env: Record<string, string>; redirs: Redirs }
  | { kind: 'builtin'; name: string; def: CommandDef<any>; args: Arg[]; env: Record<string, string>; redirs: Redirs; pos?: Pos }
  | { kind: 'block'; name: string; run: (io: IO) => Promise<number>; redirs: Redirs }

export interface Running {
  status?: number
  quiet?: boolean
  done: Promise<void>
  /** The definition that ran (a subcommand's, once resolved): its `format` renders its output. */
  def?: CommandDef<any>
}

export async function prepare(sh: Interpreter, c: Command, frame: Frame, io: IO): Promise<Prepared> {
  if (c.t !== 'cmd') {
    const redirs = c.t === 'group' ? await openRedirects(sh, c.redirects, frame, io) : { opened: [] }
    return { kind: 'block', name: c.t, redirs, run: sub => sh.execCompound(c, frame, sub) }
  }
  const redirs = await openRedirects(sh, c.redirects, frame, io)
  try {
    return await prepareSimple(sh, c, frame, redirs, io)
  } catch (e) {
    closeRedirs(redirs)
    throw e
  }
}

async function prepareSimple(sh: Interpreter, c: SimpleCommand, frame: Frame, redirs: Redirs, io: IO): Promise<Prepared> {
  const scope = sh.expandScope(frame, io)
  const [nameValue] = await expandArgs([c.name], scope)
  const name = toText(nameValue ?? '')
  const env = { ...frame.state.env }
  for (const a of c.assigns) env[a.name] = await expandString(a.value, scope)
  if (!c.external) {
    const fn = sh.functions.get(name)
    if (fn) {
      const args = await expandArgs(c.args.flatMap(a => (a.t === 'word' ? [a.word] : [])), scope)
      return { kind: 'block', name, redirs, run: sub => sh.callFunction(fn, args, frame, sub) }
    }
    const def = await sh.commands.load(name)
    if (def) {
      const args: Arg[] = []
      if (c.raw !== undefined) args.push(c.raw)
      for (const a of c.args) {
        if (a.t === 'block') args.push(new Closure(a, frame.scope))
        else args.push(...(await expandArgs([a.word], scope)))
      }
      return { kind: 'builtin', name, def, args, env, redirs, pos: c.pos }
    }
  }
  const words = await expandArgs(c.args.map(a => (a.t === 'word' ? a.word : { parts: [{ t: 'lit' as const, text: `{ ${a.source} }`, quoted: true }], pos: a.pos })), scope)
  let path: string
  try {
    path = resolveExecutable(name, env, frame.state.cwd)
  } catch (e) {
    if (e instanceof FshError && e.code === EXIT.notFound && !name.includes('/')) {
      e.about = name
      e.near = nearName(name, [...sh.commands.names(), ...sh.functions.keys(), ...programsOnPath(env)])
    }
    throw e
  }
  return { kind: 'ext', name, path, argv: [name, ...words.map(w => toText(w))], cwd: frame.state.cwd, env, redirs }
}

async function openRedirects(sh: Interpreter, list: Redirect[], frame: Frame, io: IO): Promise<Redirs> {
  const r: Redirs = { opened: [] }
  const scope = sh.expandScope(frame, io)
  // Left to right, as in bash: `2>&1 > f` copies where 1 points now, then moves 1 to the file.
  let out: Target = 'out'
  let err: Target = 'err'
  try {
    for (const red of list) {
      const target = await expandString(red.target, scope)
      if (red.op === '>&') {
        if ((target !== '1' && target !== '2') || (red.fd !== 1 && red.fd !== 2)) throw new FshError(1, `cannot redirect ${red.fd}>&${target}`)
        const to: Target = target === '1' ? out : err
        if (red.fd === 1) out = to
        else err = to
        continue
      }
      const path = resolvePath(frame.state, target)
      let fd: number
      try {
        fd = openSync(path, red.op === '<' ? 'r' : red.op === '>>' ? 'a' : 'w', 0o666)
      } catch (e) {
        const code = (e as { code?: string }).code
        const why = code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : String(code)
        throw new FshError(1, `${target}: ${why}`)
      }
      r.opened.push(fd)
      if (red.op === '>>') (r.claims ??= []).push(claimFile(frame.signal, fstatSync(fd), 'append', target))
      if (red.op === '<') r.stdin = fd
      else if (red.fd === 'both') { out = fd; err = fd }
      else if (red.fd === 2) err = fd
      else out = fd
    }
  } catch (e) {
    closeRedirs(r)
    throw e
  }
  return Object.assign(r, pointAt(out, err, io))
}

/** Where a stage's fd 1 or 2 ends up: the shell's own stdout or stderr, or a file opened for it. */
type Target = 'out' | 'err' | number

function pointAt(out: Target, err: Target, io: IO): Pick<Redirs, 'stdout' | 'stderr' | 'stdoutToErr'> {
  const r: Pick<Redirs, 'stdout' | 'stderr' | 'stdoutToErr'> = {}
  if (typeof out === 'number') r.stdout = out
  else if (out === 'err') {
    if (err === 'err' || io.err.fd === undefined) r.stdoutToErr = true
    else r.stdout = io.err.fd
  }
  if (typeof err === 'number') r.stderr = err
  // The shell's stdout while the stage's own goes elsewhere: its descriptor, or else the shell's stderr.
  else if (err === 'out') r.stderr = out === 'out' ? 'stdout' : io.out.fd
  return r
}

export function closeRedirs(r: Redirs): void {
  for (const release of r.claims?.splice(0) ?? []) release()
  for (const fd of r.opened.splice(0)) try { closeSync(fd) } catch { /* closed */ }
}
