// `npm test` after the typecheck: every test/**/*.test.ts(x) through uvu, in one process.
// `npm test -- NAME` runs only the files whose path contains NAME.
// Tests whose tool is missing fail, unless e.g. FSH_SKIP_TMUX=1 allows skipping them: then the
// summary says what was skipped.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'uvu/parse'
import { run } from 'uvu/run'
import { skipped } from '../test/skips.ts'

// Every temporary file of the run, ours and our children's, lives in one folder removed at the end.
const scratch = mkdtempSync(join(tmpdir(), 'fsh-test-'))
process.env.TMPDIR = scratch
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }))

const only = process.argv.slice(2)
const { suites } = await parse('test', /\.test\.tsx?$/)
const chosen = only.length ? suites.filter(s => only.some(o => s.name.includes(o))) : suites
if (!chosen.length) {
  console.error(`no test file matches ${only.join(' ')}`)
  process.exit(1)
}
await run(chosen, { bail: false })
if (skipped.length) console.log(`  Not run here (${skipped.length}):\n${skipped.map(s => `    ${s}`).join('\n')}\n`)
