// to FORMAT: values → text, anywhere in a pipeline (the text goes on as bytes).
import { defineCommand, type CommandDef } from '../../src/prelude.ts'
import { encode, HEADER_ROWS, type TextFormat } from './encode.ts'

function toFormat(format: TextFormat, summary: string, def: Partial<CommandDef<any>>): CommandDef<any> {
  return defineCommand({
    name: format,
    summary,
    output: 'bytes',
    ...def,
    async *run(ctx, input) {
      const f = ctx.flags as Record<string, any>
      const text = encode(format, input.batches(), {
        compact: f.compact,
        array: f.array,
        noHeader: f['no-header'],
        onDroppedField: (field, n) => ctx.warn(`field '${field}' first appears in record ${n}, after the header was written; it is left out`),
      })
      for await (const s of text) yield Buffer.from(s)
    },
  })
}

const HEADER_NOTE = `Columns are the fields of the first ${HEADER_ROWS} records, in the order they appear; a field
first seen later is left out, with a notice on stderr.`

export default defineCommand({
  name: 'to',
  summary: 'Write values as json, ndjson, csv, tsv, lines or a table',
  output: 'bytes',
  subcommands: [
    toFormat('json', 'JSON: one value as itself, several as an array (written as they come)', {
      flags: {
        compact: { type: 'boolean', alias: 'c', describe: 'no indentation' },
        array: { type: 'boolean', describe: 'an array even for a single value' },
      },
      examples: [{ line: `echo '[{"a":1},{"a":2}]' | from json | to json --compact`, output: '[{"a":1},{"a":2}]' }],
    }),
    toFormat('ndjson', 'One JSON value per line', {
      examples: [{ line: `echo '[{"a":1},{"a":2}]' | from json | to ndjson`, output: '{"a":1}\n{"a":2}' }],
    }),
    toFormat('csv', 'CSV (RFC 4180) with a header row', {
      description: HEADER_NOTE,
      flags: { 'no-header': { type: 'boolean', describe: 'leave out the header row' } },
      examples: [{ line: `echo '[{"name":"bolt, small","qty":12}]' | from json | to csv`, output: 'name,qty\n"bolt, small",12' }],
    }),
    toFormat('tsv', 'Tab-separated values with a header row', {
      description: HEADER_NOTE,
      flags: { 'no-header': { type: 'boolean', describe: 'leave out the header row' } },
      examples: [{ line: `echo '[{"a":1,"b":"x"}]' | from json | to tsv`, output: 'a\tb\n1\tx' }],
    }),
    toFormat('lines', 'One line per value: strings as they are, a one-field record as its field', {
      examples: [{ line: `echo '[{"path":"/a"},{"path":"/b"}]' | from json | to lines`, output: '/a\n/b' }],
    }),
    toFormat('table', 'The aligned text table, as text that can be saved or piped', {
      examples: [{ line: `echo '[{"name":"ann","n":3},{"name":"bob","n":12}]' | from json | to table`, output: 'name   n\nann    3\nbob   12' }],
    }),
  ],
})
