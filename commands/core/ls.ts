import { lstatSync, readdirSync, readFileSync, readlinkSync, type Stats } from 'node:fs'
import { join } from 'node:path'
import { batch, defineCommand, type Rec } from '../../src/prelude.ts'
import { fileName } from '../../src/base/file-names.ts'

export default defineCommand({
  name: 'ls',
  summary: 'List files as records: name, type, size, modified',
  description: `A directory lists its entries; a file lists itself. Globs are expanded by the shell (\`ls *.log\`).
Sizes are bytes, modified is a datetime. Names starting with a dot are left out unless -a.
The flags a bash user types work: -l adds mode, links, user, group and a symlink's target;
-t sorts newest first, -S largest first, -r reverses (ls -ltr, ls -laS).
A name that is not valid UTF-8 is listed with its stray bytes as \\xHH; that text is not the name, so
fsh refuses to pass it on (a glob matching it is an error): rename such a file with ^mv.`,
  flags: {
    all: { type: 'boolean', alias: 'a', describe: 'include names starting with a dot' },
    long: { type: 'boolean', alias: 'l', describe: 'also mode, links, user, group and target (of a symlink)' },
    time: { type: 'boolean', alias: 't', describe: 'newest first' },
    size: { type: 'boolean', alias: 'S', describe: 'largest first' },
    reverse: { type: 'boolean', alias: 'r', describe: 'reverse the order' },
  },
  args: [{ name: 'path', type: 'path', optional: true, variadic: true, describe: 'files or directories; . when left out' }],
  output: 'records',
  examples: [
    { line: 'ls | select name type size', files: { 'b.txt': 'hello', 'a.txt': 'hi' }, output: 'name   type  size\na.txt  file     2\nb.txt  file     5' },
    { line: 'ls | where size > 3 | count', files: { 'b.txt': 'hello', 'a.txt': 'hi' }, output: '1' },
    { line: 'ls -lS | select name size', files: { 'b.txt': 'hello', 'a.txt': 'hi' }, output: 'name   size\nb.txt     5\na.txt     2' },
  ],
  run(ctx) {
    const targets = ctx.args[0].length ? ctx.args[0] : ['.']
    const long = Boolean(ctx.flags.long)
    const rows: { rec: Rec; st: Stats }[] = []
    const add = (name: string, full: string | Buffer, st: Stats) => rows.push({ rec: entry(name, full, st, long), st })
    for (const t of targets) {
      const full = ctx.resolve(t)
      let st: Stats
      try { st = lstatSync(full) } catch { return ctx.fail(`${t}: no such file or directory`) }
      if (!st.isDirectory()) { add(t, full, st); continue }
      // Names as bytes: one that is not UTF-8 is still listed (escaped), and stat'ed by its bytes.
      const names = readdirSync(full, { encoding: 'buffer' }).map(fileName).filter(n => ctx.flags.all || !n.text.startsWith('.'))
      names.sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0))
      const prefix = targets.length > 1 || t !== '.' ? t : ''
      const dirBytes = Buffer.from(full.endsWith('/') ? full : full + '/')
      for (const n of names) {
        let est: Stats
        const path = n.exact ? join(full, n.text) : Buffer.concat([dirBytes, n.bytes])
        try { est = lstatSync(path) } catch { continue }
        add(prefix ? join(prefix, n.text) : n.text, path, est)
      }
    }
    // Stable sorts: equal times or sizes keep the names' order, as ls does.
    if (ctx.flags.time) rows.sort((a, b) => b.st.mtimeMs - a.st.mtimeMs)
    else if (ctx.flags.size) rows.sort((a, b) => b.st.size - a.st.size)
    if (ctx.flags.reverse) rows.reverse()
    return batch(rows.map(r => r.rec))
  },
})

function entry(name: string, full: string | Buffer, st: Stats, long: boolean): Rec {
  const type = st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : st.isFile() ? 'file' : 'other'
  if (!long) return { name, type, size: st.size, modified: st.mtime }
  let target: string | null = null
  if (st.isSymbolicLink()) { try { target = readlinkSync(full, "utf8") } catch { /* gone since lstat */ } }
  return { name, type, mode: modeText(st), links: st.nlink, user: idName('/etc/passwd', st.uid), group: idName('/etc/group', st.gid), size: st.size, modified: st.mtime, target }
}

/** `drwxr-xr-x`, as ls -l prints it (setuid, setgid and sticky bits included). */
function modeText(st: Stats): string {
  const m = st.mode
  const kind = st.isDirectory() ? 'd' : st.isSymbolicLink() ? 'l' : st.isFIFO() ? 'p' : st.isSocket() ? 's' : st.isCharacterDevice() ? 'c' : st.isBlockDevice() ? 'b' : '-'
  const rwx = (shift: number, special: number, on: string) => {
    const x = (m >> shift) & 1
    const s = m & special
    return ((m >> (shift + 2)) & 1 ? 'r' : '-') + ((m >> (shift + 1)) & 1 ? 'w' : '-') + (s ? (x ? on : on.toUpperCase()) : x ? 'x' : '-')
  }
  return kind + rwx(6, 0o4000, 's') + rwx(3, 0o2000, 's') + rwx(0, 0o1000, 't')
}

/** Names of ids from /etc/passwd or /etc/group, read once; an unknown id (or no such file) stays a number. */
const idNames = new Map<string, Map<number, string>>()
function idName(file: string, id: number): string | number {
  let names = idNames.get(file)
  if (!names) {
    names = new Map()
    try {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        const [name, , n] = line.split(':')
        if (name && n && /^\d+$/.test(n) && !names.has(Number(n))) names.set(Number(n), name)
      }
    } catch { /* no such file here: numbers */ }
    idNames.set(file, names)
  }
  return names.get(id) ?? id
}
