// Commands take what they share from src/ (the prelude, the runtime), never from each other's files.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'

const root = new URL('../commands/', import.meta.url).pathname

/** Imports of a command's file that lead into another command's folder. */
function crossImports(dir: string, source: string): string[] {
  const out: string[] = []
  for (const m of source.matchAll(/from '(\.\.\/[^']+)'/g)) {
    const target = m[1]!
    if (!target.startsWith('../../')) out.push(`${dir}: ${target}`)
  }
  return out
}

test('no command imports from another command folder', () => {
  const bad: string[] = []
  for (const dir of readdirSync(root, { withFileTypes: true }).filter(d => d.isDirectory())) {
    for (const file of readdirSync(join(root, dir.name)).filter(f => /\.tsx?$/.test(f))) {
      bad.push(...crossImports(`${dir.name}/${file}`, readFileSync(join(root, dir.name, file), 'utf8')))
    }
  }
  assert.equal(bad, [])
})

test('the check sees an import across folders', () => {
  assert.equal(crossImports('records/where.ts', "import { scanNdjson } from '../formats/ndjson-scan.ts'"), ['records/where.ts: ../formats/ndjson-scan.ts'])
  assert.equal(crossImports('records/where.ts', "import { FshError } from '../../src/prelude.ts'"), [])
})

test.run()
