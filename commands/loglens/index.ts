// `loglens`: streaming web-log analysis (SPEC §4 "loglens"). The parsers, the histogram, the
// route table and the worker split live beside this file, one idea per file.
import { defineCommand } from '../../src/prelude.ts'
import parse from './parse.ts'
import summary from './summary.ts'

export default defineCommand({
  name: 'loglens',
  summary: 'Streaming web-log analysis: parse access logs into records, or summarise them',
  description: 'Formats: nginx/Apache combined and common (optionally with a trailing request time in seconds), and JSON lines; `.gz` files are read as streams.',
  subcommands: [parse, summary],
})
