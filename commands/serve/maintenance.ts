// `serve migrate` and `serve backup`: the notes database's schema brought up to date, and an online
// copy of it, written to a temp file and renamed into place so a reader never sees half a backup.
import { chmod, open, rename, unlink } from 'node:fs/promises'
import { dirname } from 'node:path'
import { defineCommand } from '../../src/prelude.ts'
import { fsyncDir } from '../../src/state/atomic.ts'
import { migrate, openDatabase, sqliteError } from '../../src/state/sqlite.ts'
import { tempPathFor } from '../../src/state/temp-files.ts'
import { NOTE_MIGRATIONS } from './migrations.ts'
import { dbFlag, notesDb } from './options.ts'

/** Pages copied per step of a backup; between steps, writers get the database (and progress shows). */
const BACKUP_STEP = 1000

export const migrateCommand = defineCommand({
  name: 'migrate',
  summary: "Bring the notes database's schema up to date (serve does this when it starts)",
  flags: { ...dbFlag },
  output: 'record',
  examples: [
    { line: 'serve migrate --db notes.db | select applied version', output: 'applied  version\n[1]            1' },
    { line: 'serve migrate --db notes.db | count; serve migrate --db notes.db | select applied', output: '1\napplied\n[]' },
    { line: 'serve migrate --db notes.txt', files: { 'notes.txt': 'not a database, just text\n' }, exit: 1, description: 'a file that is not SQLite is one clear error' },
  ],
  run(ctx) {
    const path = notesDb(ctx, ctx.flags.db)
    const db = openDatabase(path, [])
    try {
      const applied = (() => { try { return migrate(db, NOTE_MIGRATIONS) } catch (err) { throw sqliteError(path, err) } })()
      return { db: path, applied, version: NOTE_MIGRATIONS[NOTE_MIGRATIONS.length - 1]!.version }
    } finally {
      db.close()
    }
  },
})

export const backupCommand = defineCommand({
  name: 'backup',
  summary: 'Copy the notes database while it is in use (SQLite online backup), atomically',
  flags: {
    ...dbFlag,
    out: { type: 'string', arg: 'FILE', describe: 'where the copy goes (replaced only once complete)' },
  },
  output: 'record',
  examples: [
    { line: 'serve migrate --db notes.db | count; serve backup --db notes.db --out copy.db | select pages', output: '1\npages\n    9' },
    { line: 'serve backup --db missing.db --out copy.db', exit: 1 },
  ],
  async run(ctx) {
    const out = ctx.flags.out
    if (out === undefined) return ctx.usage('--out FILE says where the backup goes')
    const from = notesDb(ctx, ctx.flags.db)
    const to = ctx.resolve(out)
    if (to === from) ctx.usage('--out must be another file than --db')
    const db = openDatabase(from, [], { readonly: true })
    const temp = tempPathFor(to)
    try {
      const { totalPages } = await db.backup(temp, {
        progress: ({ totalPages: total, remainingPages: left }) => {
          ctx.progress(total - left, total, 'pages')
          return BACKUP_STEP
        },
      })
      await chmod(temp, 0o600)
      const fh = await open(temp, 'r+')
      await fh.sync().finally(() => fh.close())
      await rename(temp, to)
      await fsyncDir(dirname(to))
      return { db: from, out: to, pages: totalPages }
    } catch (err) {
      await unlink(temp).catch(() => {})
      throw sqliteError(to, err)
    } finally {
      db.close()
    }
  },
})
