// Every command's examples are run: the help a user reads cannot drift from what fsh does.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { registry } from '../commands/index.ts'
import type { CommandDef, Example } from '../src/runtime/command.ts'
import { createShell } from '../src/index.ts'

const only = process.env.FSH_EXAMPLES?.split(',')

for (const name of Object.keys(registry).sort()) {
  if (only && !only.includes(name)) continue
  test(`${name}: examples`, async () => {
    const def = (await registry[name]!.load()).default
    assert.is(def.name, name, 'the registry name and the definition name agree')
    const all = collect(def, name)
    assert.ok(all.length > 0, `${name} has examples`)
    for (const { full, ex } of all) await runExample(full, ex)
  })
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
