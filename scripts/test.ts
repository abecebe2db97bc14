// `npm test` after the typecheck: every test/**/*.test.ts(x) through uvu, in one process.
// `npm test -- NAME` runs only the files whose path contains NAME.
import { parse } from 'uvu/parse'
import { run } from 'uvu/run'

const only = process.argv.slice(2)
const { suites } = await parse('test', /\.test\.tsx?$/)
const chosen = only.length ? suites.filter(s => only.some(o => s.name.includes(o))) : suites
if (!chosen.length) {
  console.error(`no test file matches ${only.join(' ')}`)
  process.exit(1)
}
await run(chosen, { bail: false })
