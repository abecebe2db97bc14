import { lstatSync, readdirSync, type Stats } from 'node:fs'
import { join } from 'node:path'
import { defineCommand } from '../../src/runtime/command.ts'
import { fileName } from '../../src/runtime/file-names.ts'
import { batch, toText, type Rec } from '../../src/runtime/values.ts'

export default defineCommand({
  name: 'ls',
  summary: 'List files as records: name, type, size, modified',
  usage: 'ls [-a] [PATH...]',
  description: `A directory lists its entries; a file lists itself. Globs are expanded by the shell (\`ls *.log\`). Sizes are bytes, modified is a datetime.
A name that is not valid UTF-8 is listed with its stray bytes as \\xHH; that text is not the name, so
fsh refuses to pass it on (a glob matching it is an error): rename such a file with ^mv.`,
  flags: { all: { type: 'boolean', alias: 'a', describe: 'include names starting with a dot' } },
  output: 'records',
  complete: 'paths',
  examples: [
    { line: 'ls | select name type size', files: { 'b.txt': 'hello', 'a.txt': 'hi' }, output: 'name   type  size\na.txt  file     2\nb.txt  file     5' },
    { line: 'ls | where size > 3 | count', files: { 'b.txt': 'hello', 'a.txt': 'hi' }, output: '1' },
  ],
  run(ctx) {
    const targets = ctx.args.length ? ctx.args.map(a => toText(a as never)) : ['.']
    const rows: Rec[] = []
    for (const t of targets) {
      const full = ctx.resolve(t)
      let st: Stats
      try { st = lstatSync(full) } catch { return ctx.fail(`${t}: no such file or directory`) }
      if (!st.isDirectory()) { rows.push(entry(t, st)); continue }
      // Names as bytes: one that is not UTF-8 is still listed (escaped), and stat'ed by its bytes.
      const names = readdirSync(full, { encoding: 'buffer' }).map(fileName).filter(n => ctx.flags.all || !n.text.startsWith('.'))
      names.sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0))
      const prefix = targets.length > 1 || t !== '.' ? t : ''
      const dirBytes = Buffer.from(full.endsWith('/') ? full : full + '/')
      for (const n of names) {
        let est: Stats
        try { est = lstatSync(n.exact ? join(full, n.text) : Buffer.concat([dirBytes, n.bytes])) } catch { continue }
        rows.push(entry(prefix ? join(prefix, n.text) : n.text, est))
      }
    }
    return batch(rows)
  },
})

function entry(name: string, st: Stats): Rec {
  const type = st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : st.isFile() ? 'file' : 'other'
  return { name, type, size: st.size, modified: st.mtime }
}
