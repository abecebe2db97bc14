// open FILE...: a file as records, in the format its name says, decompressed and streamed.
import { batch, defineCommand } from '../../src/prelude.ts'
import { decode, LINE_FORMATS, READ_FORMATS, type ReadFormat } from './decode.ts'
import { openFileSource } from './file-source.ts'
import { formatOfName } from './format-of-name.ts'
import { openFilter } from './open-filter.ts'
import { claimFile } from '../../src/runtime/same-file.ts'
import { MAX_LINE_BYTES } from '../../src/base/limits.ts'

export default defineCommand({
  name: 'open',
  summary: 'Read files as records, in the format their names say',
  description: `Formats by extension: .json (a top-level array streams element by element), .ndjson/.jsonl,
.csv, .tsv, .txt/.log (one {line} record per line); any other file is bytes. A .gz suffix is
decompressed on the fly. Files are streamed in 1 MiB chunks: memory stays flat whatever the size,
and reading stops when the pipeline stops asking (open big.ndjson.gz | first 5).`,
  flags: {
    format: { type: 'string', alias: 'f', describe: 'read as this format whatever the extension', arg: 'F', choices: [...READ_FORMATS, 'bytes'] },
    raw: { type: 'boolean', describe: 'bytes, not records (still decompressed)' },
    'no-infer': { type: 'boolean', describe: 'csv/tsv: keep every field as text (by default numbers, booleans and empty fields, as null, are read from it)' },
    'skip-invalid': { type: 'boolean', describe: 'ndjson: skip lines that are not JSON, and count them on stderr' },
    'no-header': { type: 'boolean', describe: 'csv/tsv: the first row is data; columns are column1, column2, ...' },
    ragged: { type: 'boolean', describe: 'csv/tsv: accept rows with a different field count (padded with null)' },
    separator: { type: 'string', alias: 's', describe: 'csv: field separator', arg: 'SEP', default: ',' },
    'max-line': { type: 'size', describe: 'longest accepted line or CSV record', default: MAX_LINE_BYTES },
  },
  args: [{ name: 'file', type: 'path', variadic: true, describe: 'files to read; the extension says the format' }],
  output: 'any',
  examples: [
    {
      line: 'open hits.ndjson | where status >= 500 | count',
      description: 'Count server errors in an NDJSON log',
      files: { 'hits.ndjson': '{"path":"/","status":200}\n{"path":"/a","status":503}\n{"path":"/b","status":500}\n' },
      output: '2',
    },
    {
      line: 'open people.csv | where age > 30',
      files: { 'people.csv': 'name,age\nann,34\nbob,28\n"smith, jo",41\n' },
      output: 'name       age\nann         34\nsmith, jo   41',
    },
  ],
  filter: openFilter,
  async *run(ctx) {
    for (const name of ctx.args[0]) {
      const named = formatOfName(name)
      const format = ctx.flags.raw ? 'bytes' : ((ctx.flags.format as ReadFormat | 'bytes' | undefined) ?? named.format)
      const lineText = format !== 'bytes' && LINE_FORMATS.has(format) ? { maxLine: ctx.flags['max-line'] } : undefined
      const source = await openFileSource(ctx.resolve(name), name, { gunzip: named.gzip, signal: ctx.signal, lineText })
      // Reading a file this run appends to would feed its own output back in, forever.
      const release = claimFile(ctx.signal, source.stat, 'read', name)
      try {
        if (format === 'bytes') {
          yield* source.chunks as AsyncGenerator<Uint8Array> // no lineText asked: bytes only
          continue
        }
        const batches = decode(format, source.chunks, {
          source: name,
          skipInvalid: ctx.flags['skip-invalid'],
          infer: !ctx.flags['no-infer'],
          header: !ctx.flags['no-header'],
          ragged: ctx.flags.ragged,
          separator: ctx.flags.separator,
          maxLine: ctx.flags['max-line'],
          warn: msg => ctx.warn(msg),
        })
        for await (const b of batches) yield batch(b)
      } finally {
        release()
      }
    }
  },
})
