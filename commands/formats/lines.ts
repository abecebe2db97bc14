// lines: text → one {line} record per line. Binary input and endless lines are refused, not buffered.
import { batch, defineCommand, isRecord, toText, type Value } from '../../src/prelude.ts'
import { lineRecords } from './decode.ts'
import { MAX_LINE_BYTES } from '../../src/base/limits.ts'
import { textLines } from '../../src/runtime/text-lines.ts'

export default defineCommand({
  name: 'lines',
  summary: 'Split text into {line} records',
  description: `Line ends are LF or CRLF. Input with a NUL byte is binary and refused; bytes that are not
UTF-8 show as \ufffd, with a notice on stderr; a line longer than --max-line is an error.`,
  flags: {
    'max-line': { type: 'size', describe: 'longest accepted line', default: MAX_LINE_BYTES },
  },
  output: 'records',
  examples: [
    { line: `^printf 'GET /a\\nPOST /b\\nGET /c\\n' | lines | where line =~ '^GET'`, output: 'line\nGET /a\nGET /c' },
  ],
  async *run(ctx, input) {
    if ((await input.kind()) !== 'bytes') {
      // Values upstream: each string is text that may hold several lines.
      for await (const b of input.batches()) {
        const out: Value[] = []
        for (const v of b) {
          // `open x.log | lines`: records that already are lines stay as they are.
          if (isRecord(v) && typeof v.line === 'string' && Object.keys(v).length === 1) { out.push(v); continue }
          const t = typeof v === 'string' ? v : toText(v)
          for (const line of (t.endsWith('\n') ? t.slice(0, -1) : t).split('\n')) out.push({ line })
        }
        yield batch(out)
      }
      return
    }
    const batches = textLines(input.bytes(), {
      maxLine: ctx.flags['max-line'],
      rejectBinary: true,
      invalidUtf8: 'replace',
      onReplaced: line => ctx.warn(`line ${line}: not valid UTF-8; invalid bytes shown as \ufffd`),
    })
    for await (const b of lineRecords(batches)) yield batch(b)
  },
})
