// Every command's examples are run, and checked against the definitions of the commands they use
// (flags that exist, arguments that fit): the help a user reads cannot drift from what fsh does.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { registry } from '../commands/index.ts'
import { CommandSet } from '../src/builtins.ts'
import type { SimpleCommand } from '../src/lang/ast.ts'
import { literalText, parse } from '../src/lang/parser.ts'
import { Closure, type Arg, type CommandDef, type Example } from '../src/runtime/command.ts'
import { formatError } from '../src/base/errors.ts'
import { parseArgs } from '../src/runtime/flags.ts'
import { checkArgs } from '../src/runtime/positionals.ts'
import { createShell } from '../src/index.ts'
import { RAW_ARGS_FILE, rawArgsSource } from '../scripts/raw-args.ts'

const only = process.env.FSH_EXAMPLES?.split(',')

for (const name of Object.keys(registry).sort()) {
  if (only && !only.includes(name)) continue
  test(`${name}: examples`, async () => {
    const def = (await registry[name]!.load()).default
    assert.is(def.name, name, 'the registry name and the definition name agree')
    const all = collect(def, name)
    assert.ok(all.length > 0, `${name} has examples`)
    for (const { full, ex } of all) {
      await checkExample(ex.line, `${full} example`)
      await runExample(full, ex)
    }
  })
}

test('an example that does not fit the definition is caught before it runs', async () => {
  const fails = async (line: string, message: RegExp) => {
    try { await checkExample(line, 'x') } catch (e) { assert.match(String(e), message, line); return }
    assert.unreachable(`${line} passes the check`)
  }
  await fails('ls --frob', /ls: unknown flag --frob/)
  await fails('open a.csv | first { a }', /first: N must be a whole number/)
  await fails('open a.csv | each', /each: missing argument \{ BLOCK \}/)
  await fails('if true { open a.csv | sort-by --max-memory lots }', /--max-memory expects a size/)
  await fails('loglens summary --nope x.log', /loglens summary: unknown flag --nope/)
  await checkExample('let n = 2; open a.csv | first $n | where a > 1', 'a value passed through a variable is checked when it runs')
})

test('the parser knows every command that takes an expression (commands/raw-args.ts is current)', async () => {
  assert.fixture(readFileSync(RAW_ARGS_FILE, 'utf8'), await rawArgsSource(), 'run node scripts/build.mjs')
})

const commands = new CommandSet()

/** Parses the line as the shell would and checks each builtin it names against its definition. */
async function checkExample(line: string, where: string): Promise<void> {
  for (const cmd of commandsIn(parse(line, { rawCommands: commands.rawNames }))) {
    const name = literalText(cmd.name)
    let def = name && !cmd.external ? await commands.load(name) : undefined
    if (!def) continue
    let args: (Arg | typeof DYNAMIC)[] = cmd.raw !== undefined ? [cmd.raw] : cmd.args.map(a => (a.t === 'block' ? new Closure(a, null) : literalText(a.word) ?? DYNAMIC))
    let full = name!
    const sub = def.subcommands?.find(s => s.name === args[0])
    if (sub) { def = sub; full = `${name} ${sub.name}`; args = args.slice(1) }
    try {
      const parsed = parseArgs(def, full, args.map(a => (a === DYNAMIC ? '' : a)))
      // A variable's value is known only when it runs: the check is then left to the run.
      if (!args.includes(DYNAMIC)) checkArgs(def, full, parsed.positional)
    } catch (e) {
      throw new Error(`${where} \`${line}\`: ${formatError(e, full).split('\n')[0]}`)
    }
  }
}

const DYNAMIC = Symbol('dynamic')

function* commandsIn(node: unknown): Generator<SimpleCommand> {
  if (Array.isArray(node)) { for (const n of node) yield* commandsIn(n); return }
  if (typeof node !== 'object' || node === null) return
  if ((node as { t?: string }).t === 'cmd') yield node as SimpleCommand
  for (const v of Object.values(node)) yield* commandsIn(v)
}

function collect(def: CommandDef<any>, full: string): { full: string; ex: Example }[] {
  const own = (def.examples ?? []).map(ex => ({ full, ex }))
  return [...own, ...(def.subcommands ?? []).flatMap(s => collect(s, `${full} ${s.name}`))]
}

async function runExample(full: string, ex: Example): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'fsh-ex-'))
  try {
    for (const [file, content] of Object.entries(ex.files ?? {})) {
      mkdirSync(dirname(join(dir, file)), { recursive: true })
      writeFileSync(join(dir, file), content)
    }
    const env = { ...(process.env as Record<string, string>), FSH_HOME: join(dir, '.fsh-home'), NO_COLOR: '1', HOME: dir }
    const shell = createShell({ cwd: dir, env })
    const r = await shell.run(ex.line)
    const where = `${full} example \`${ex.line}\``
    assert.is(r.exitCode, ex.exit ?? 0, `${where} exits ${ex.exit ?? 0}; stderr: ${r.stderr}`)
    if (ex.output !== undefined) assert.fixture(r.stdout.split(dir).join('{TMP}').replace(/\n+$/, ''), ex.output, where)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

test.run()
