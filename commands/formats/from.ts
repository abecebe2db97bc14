// from FORMAT: text (bytes from a file, an external or strings) → records.
import { batch, defineCommand, type CommandDef } from '../../src/prelude.ts'
import { decode, type ReadFormat } from './decode.ts'
import { MAX_LINE_BYTES } from '../../src/base/limits.ts'

const TABLE_FLAGS = {
  'no-infer': { type: 'boolean', describe: 'keep every field as text (by default numbers, booleans and empty fields, as null, are read from it)' },
  'no-header': { type: 'boolean', describe: 'the first row is data; columns are column1, column2, ...' },
  ragged: { type: 'boolean', describe: 'accept rows with a different field count (padded with null)' },
  'max-line': { type: 'size', describe: 'longest accepted record', default: MAX_LINE_BYTES },
} as const

function fromFormat(format: ReadFormat, summary: string, def: Partial<CommandDef<any>>): CommandDef<any> {
  return defineCommand({
    name: format,
    summary,
    output: 'records',
    ...def,
    async *run(ctx, input) {
      const f = ctx.flags as Record<string, any>
      const batches = decode(format, input.bytes(), {
        skipInvalid: f['skip-invalid'],
        infer: !f['no-infer'],
        header: !f['no-header'],
        ragged: f.ragged,
        separator: f.separator,
        maxLine: f['max-line'],
        warn: msg => ctx.warn(msg),
      })
      for await (const b of batches) yield batch(b)
    },
  })
}

export default defineCommand({
  name: 'from',
  summary: 'Parse text as json, ndjson, csv, tsv or lines',
  output: 'records',
  subcommands: [
    fromFormat('json', 'Parse JSON: a top-level array streams element by element', {
      examples: [{ line: `echo '[{"a":1},{"a":2}]' | from json | where a > 1`, output: 'a\n2' }],
    }),
    fromFormat('ndjson', 'Parse one JSON value per line', {
      flags: {
        'skip-invalid': { type: 'boolean', describe: 'skip lines that are not JSON, and count them on stderr' },
        'max-line': TABLE_FLAGS['max-line'],
      },
      examples: [{ line: `^printf '{"a":1}\\n{"a":2}\\n' | from ndjson | count`, output: '2' }],
    }),
    fromFormat('csv', 'Parse CSV (RFC 4180): quotes, embedded commas and newlines, CRLF, a header row', {
      flags: { ...TABLE_FLAGS, separator: { type: 'string', alias: 's', describe: 'field separator', arg: 'SEP', default: ',' } },
      examples: [{ line: `^printf 'name,qty\\r\\n"bolt, small",12\\r\\n' | from csv | where qty > 10`, output: 'name         qty\nbolt, small   12' }],
    }),
    fromFormat('tsv', 'Parse tab-separated values with a header row (\\t \\n \\\\ escapes)', {
      flags: TABLE_FLAGS,
      examples: [{ line: `^printf 'a\\tb\\n1\\t2\\n' | from tsv | select b`, output: 'b\n2' }],
    }),
    fromFormat('lines', 'One {line} record per line of text', {
      flags: { 'max-line': TABLE_FLAGS['max-line'] },
      examples: [{ line: `^printf 'x\\ny\\n' | from lines | count`, output: '2' }],
    }),
  ],
})
