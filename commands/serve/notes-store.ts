// Notes on SQLite: prepared statements only (user text is always a parameter, never SQL), tags in a
// table of their own for filtering, search through FTS5. Each row keeps the note's JSON as the API
// shows it, written with the note, so a read sends that text as it is: no object, no stringify.
import type Database from 'better-sqlite3'
import { openDatabase, sqliteGuard } from '../../src/state/sqlite.ts'
import { NOTE_MIGRATIONS } from './migrations.ts'

export interface NewNote { title: string; body: string; tags: string[] }

/** A page of notes: their JSON texts, newest first, and the id of the last one. */
export interface Page { items: string[]; lastId: number | undefined; more: boolean }

export interface ListQuery {
  limit: number
  /** Only notes older than this id (the cursor). */
  before?: number
  /** FTS5 words, all of which must appear. */
  q?: string
  tag?: string
}

/** The note as the API shows it. */
function noteDoc(id: number, n: NewNote, created: number, updated: number): string {
  return JSON.stringify({ id, title: n.title, body: n.body, tags: n.tags, created_at: new Date(created).toISOString(), updated_at: new Date(updated).toISOString() })
}

export class NoteStore {
  private readonly db: Database.Database
  private readonly stmt: ReturnType<NoteStore['prepare']>
  private readonly lists = new Map<string, Database.Statement>()

  constructor(readonly location: string) {
    this.db = openDatabase(location, NOTE_MIGRATIONS)
    this.db.pragma('foreign_keys = ON')
    this.stmt = sqliteGuard(location, () => this.prepare())
  }

  private prepare() {
    const db = this.db
    return {
      insert: db.prepare(`INSERT INTO notes (title, body, tags, created_at, updated_at, doc) VALUES (?, ?, ?, ?, ?, '')`),
      setDoc: db.prepare('UPDATE notes SET doc = ? WHERE id = ?'),
      tag: db.prepare('INSERT OR IGNORE INTO note_tags (tag, note_id) VALUES (?, ?)'),
      untag: db.prepare('DELETE FROM note_tags WHERE note_id = ?'),
      json: db.prepare('SELECT doc FROM notes WHERE id = ?').pluck(),
      row: db.prepare('SELECT title, body, tags, created_at FROM notes WHERE id = ?'),
      update: db.prepare('UPDATE notes SET title = ?, body = ?, tags = ?, updated_at = ?, doc = ? WHERE id = ?'),
      delete: db.prepare('DELETE FROM notes WHERE id = ?'),
      count: db.prepare('SELECT count(*) FROM notes').pluck(),
    }
  }

  /** The note as JSON text, or undefined. */
  get(id: number): string | undefined {
    return this.stmt.json.get(id) as string | undefined
  }

  create(note: NewNote): { id: number; json: string } {
    return this.write(() => {
      const now = Date.now()
      const id = Number(this.stmt.insert.run(note.title, note.body, JSON.stringify(note.tags), now, now).lastInsertRowid)
      const json = noteDoc(id, note, now, now)
      this.stmt.setDoc.run(json, id)
      for (const t of note.tags) this.stmt.tag.run(t, id)
      return { id, json }
    })
  }

  /** Changes the given fields; undefined when there is no such note. */
  update(id: number, patch: Partial<NewNote>): string | undefined {
    return this.write(() => {
      const old = this.stmt.row.get(id) as { title: string; body: string; tags: string; created_at: number } | undefined
      if (!old) return undefined
      const note: NewNote = { title: patch.title ?? old.title, body: patch.body ?? old.body, tags: patch.tags ?? JSON.parse(old.tags) }
      const now = Date.now()
      const json = noteDoc(id, note, old.created_at, now)
      this.stmt.update.run(note.title, note.body, JSON.stringify(note.tags), now, json, id)
      if (patch.tags) {
        this.stmt.untag.run(id)
        for (const t of patch.tags) this.stmt.tag.run(t, id)
      }
      return json
    })
  }

  delete(id: number): boolean {
    return this.write(() => this.stmt.delete.run(id).changes > 0)
  }

  count(): number {
    return this.stmt.count.get() as number
  }

  /** Newest first, keyset-paged on id: a page never shifts when notes are added meanwhile. */
  list(query: ListQuery): Page {
    const key = `${query.q ? 'q' : ''}${query.tag ? 't' : ''}`
    let stmt = this.lists.get(key)
    if (!stmt) {
      let where = 'id < @before'
      if (query.q) where += ' AND id IN (SELECT rowid FROM notes_fts WHERE notes_fts MATCH @q)'
      if (query.tag) where += ' AND id IN (SELECT note_id FROM note_tags WHERE tag = @tag)'
      stmt = this.db.prepare(`SELECT id, doc FROM notes WHERE ${where} ORDER BY id DESC LIMIT @limit`).raw()
      this.lists.set(key, stmt)
    }
    const params: Record<string, unknown> = { before: query.before ?? Number.MAX_SAFE_INTEGER, limit: query.limit + 1 }
    if (query.q) params.q = ftsQuery(query.q)
    if (query.tag) params.tag = query.tag
    const rows = sqliteGuard(this.location, () => stmt.all(params)) as [number, string][]
    const more = rows.length > query.limit
    if (more) rows.pop()
    return { items: rows.map(r => r[1]), lastId: rows.length ? rows[rows.length - 1]![0] : undefined, more }
  }

  /** Every note as JSON text, oldest first, read on a connection of its own (a consistent snapshot
   *  that does not hold up writes, and that the caller may leave waiting between rows). */
  exportRows(): { rows: IterableIterator<string>; close(): void } {
    const db = openDatabase(this.location, [], { readonly: true })
    const rows = db.prepare('SELECT doc FROM notes ORDER BY id').pluck().iterate() as IterableIterator<string>
    return { rows, close: () => { rows.return?.(); db.close() } }
  }

  /** An online copy into `target` (better-sqlite3's backup API): a consistent snapshot while
   *  writers go on. */
  backup(target: string): Promise<unknown> {
    return this.db.backup(target)
  }

  close(): void {
    this.db.close()
  }

  private write<T>(fn: () => T): T {
    return sqliteGuard(this.location, () => this.db.transaction(fn).immediate())
  }
}

/** Words as FTS5 strings, all required: the user's text never reaches FTS5 as query syntax. */
export function ftsQuery(q: string): string {
  return q.split(/\s+/).filter(Boolean).map(w => `"${w.replace(/"/g, '""')}"`).join(' ')
}
