// The layers, as the architecture draws them: a test fails the day a forbidden import appears.
// Static and dynamic imports both count; type-only imports too (they are a dependency all the same).
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'

const root = resolve('.')

/** [importing file, imported file], both relative to the repository, for every relative import. */
export function importsUnder(dirs: string[]): [string, string][] {
  const edges: [string, string][] = []
  const walk = (dir: string): void => {
    for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = join(dir, e.name)
      if (e.isDirectory()) walk(path)
      else if (/\.tsx?$/.test(e.name)) {
        const text = readFileSync(join(root, path), 'utf8')
        for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.[^'"]+)['"]/gm)) {
          edges.push([path, relative(root, resolve(root, dirname(path), m[1]!))])
        }
      }
    }
  }
  for (const d of dirs) walk(d)
  return edges
}

const commandFolder = (p: string): string | undefined => /^commands\/([^/]+)\//.exec(p)?.[1]

/** Why an import breaks the layers, or undefined when it is allowed. */
export function forbidden(from: string, to: string): string | undefined {
  const under = (p: string, dir: string) => p === dir || p.startsWith(dir + '/')
  if (under(from, 'src/base') && !under(to, 'src/base')) return 'src/base is the leaf: it imports nothing of fsh'
  if (under(from, 'src/lang') && (under(to, 'src/runtime') || under(to, 'src/state'))) return 'src/lang sits below src/runtime'
  if (under(from, 'src/state') && under(to, 'src/runtime')) return 'src/state sits below src/runtime'
  if (under(from, 'src/runtime') && (under(to, 'commands') || under(to, 'src/repl') || to === 'src/cli.ts' || to === 'src/builtins.ts')) return 'src/runtime imports no command, REPL or CLI'
  if (under(from, 'src/repl') && to === 'src/cli.ts') return 'src/cli.ts starts the REPL: the REPL does not import it back'
  if (under(from, 'commands') && under(to, 'src/repl')) return 'commands do not import the REPL (a command declares its REPL view instead)'
  const a = commandFolder(from)
  const b = commandFolder(to)
  if (a && b && a !== b) return "a command does not reach into another command's files (shared pieces move into src/)"
  return undefined
}

/** Known and on their way out: `where` is to take open's parsed flags from its input's origin
 *  instead of reaching into the NDJSON scanner. Nothing may join this list. */
const LEAVING = new Set([
  'commands/records/where.ts → commands/formats/ndjson-scan.ts',
  'commands/records/where-pushdown.ts → commands/formats/ndjson-scan.ts',
])

test('no import crosses the layers', () => {
  const bad = importsUnder(['src', 'commands'])
    .map(([from, to]) => [from, to, forbidden(from, to)])
    .filter(([from, to, why]) => why && !LEAVING.has(`${from} → ${to}`))
    .map(([from, to, why]) => `${from} → ${to}: ${why}`)
  assert.equal(bad, [])
})

test('the rules catch each kind of forbidden import', () => {
  assert.ok(forbidden('src/runtime/shell.ts', 'commands/core/cd.ts'))
  assert.ok(forbidden('src/runtime/shell.ts', 'src/repl/session.ts'))
  assert.ok(forbidden('src/lang/parser.ts', 'src/runtime/scope.ts'))
  assert.ok(forbidden('src/state/lock.ts', 'src/runtime/scope.ts'))
  assert.ok(forbidden('commands/loop/index.ts', 'src/repl/theme.ts'))
  assert.ok(forbidden('commands/records/where.ts', 'commands/formats/ndjson-scan.ts'))
  assert.ok(forbidden('src/repl/terminal.tsx', 'src/cli.ts'))
  assert.ok(forbidden('src/base/values.ts', 'src/runtime/scope.ts'))
  assert.is(forbidden('commands/records/where.ts', 'commands/records/sort-by.ts'), undefined)
  assert.is(forbidden('commands/index.ts', 'commands/records/where.ts'), undefined)
  assert.is(forbidden('src/runtime/shell.ts', 'src/base/errors.ts'), undefined)
})

test.run()
