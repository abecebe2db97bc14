import { lstatSync, readdirSync, type Stats } from 'node:fs'
import { join } from 'node:path'
import { batch, defineCommand, type Rec } from '../../src/prelude.ts'

export default defineCommand({
  name: 'ls',
  summary: 'List files as records: name, type, size, modified',
  description: 'A directory lists its entries; a file lists itself. Globs are expanded by the shell (`ls *.log`). Sizes are bytes, modified is a datetime.',
  flags: { all: { type: 'boolean', alias: 'a', describe: 'include names starting with a dot' } },
  args: [{ name: 'path', type: 'path', optional: true, variadic: true, describe: 'files or directories; . when left out' }],
  output: 'records',
  examples: [
    { line: 'ls | select name type size', files: { 'b.txt': 'hello', 'a.txt': 'hi' }, output: 'name   type  size\na.txt  file     2\nb.txt  file     5' },
    { line: 'ls | where size > 3 | count', files: { 'b.txt': 'hello', 'a.txt': 'hi' }, output: '1' },
  ],
  run(ctx) {
    const targets = ctx.args[0].length ? ctx.args[0] : ['.']
    const rows: Rec[] = []
    for (const t of targets) {
      const full = ctx.resolve(t)
      let st: Stats
      try { st = lstatSync(full) } catch { return ctx.fail(`${t}: no such file or directory`) }
      if (!st.isDirectory()) { rows.push(entry(t, st)); continue }
      const names = readdirSync(full).filter(n => ctx.flags.all || !n.startsWith('.')).sort()
      const prefix = targets.length > 1 || t !== '.' ? t : ''
      for (const n of names) {
        let est: Stats
        try { est = lstatSync(join(full, n)) } catch { continue }
        rows.push(entry(prefix ? join(prefix, n) : n, est))
      }
    }
    return batch(rows)
  },
})

function entry(name: string, st: Stats): Rec {
  const type = st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : st.isFile() ? 'file' : 'other'
  return { name, type, size: st.size, modified: st.mtime }
}
