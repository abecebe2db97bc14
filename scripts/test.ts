// `npm test` after the typecheck: every test/**/*.test.ts(x) through uvu, in one process.
// `npm test -- NAME` runs only the files whose path contains NAME.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'uvu/parse'
import { run } from 'uvu/run'

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
