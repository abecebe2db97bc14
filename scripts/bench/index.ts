// `npm run bench [-- NAME...]`: the benchmarks, each beside its peer tool, one after another.
// Never part of the tests. Names: startup pipeline pipe records loglens repl queue (all when none given).
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const all = readdirSync(here).filter(f => f.endsWith('.ts') && f !== 'index.ts' && f !== 'measure.ts').map(f => f.slice(0, -3))
const asked = process.argv.slice(2).filter(a => !a.startsWith('-'))
const unknown = asked.filter(a => !all.includes(a))
if (unknown.length) {
  console.error(`bench: no benchmark named ${unknown.join(', ')} (one of: ${all.join(', ')})`)
  process.exit(2)
}
spawnSync(process.execPath, [join(here, '../build.mjs'), '--if-stale'], { stdio: 'inherit' })
let failed = 0
for (const name of asked.length ? asked : all) {
  console.log(`\n== ${name}`)
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(here, `${name}.ts`)], { stdio: 'inherit' })
  if (r.status !== 0) failed++
}
process.exit(failed ? 1 : 0)
