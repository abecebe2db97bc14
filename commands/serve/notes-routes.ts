// The notes API: create, page through (keyset cursor, search, tag), read, change, delete, export.
import type { ServerResponse } from 'node:http'
import type { HttpApp } from '../../src/http/app.ts'
import { HttpError, notFound, validationFailed } from '../../src/http/errors.ts'
import type { Exchange } from '../../src/http/exchange.ts'
import type { SseHub } from '../../src/http/sse.ts'
import { newNote, notePatch } from './note-input.ts'
import type { NoteStore } from './notes-store.ts'

const JSON_TYPE = 'application/json'
const DEFAULT_LIMIT = 20
const MAX_LIMIT = 100
/** Export rows are sent in chunks of about this many bytes. */
const EXPORT_CHUNK = 64 * 1024

export function noteRoutes(app: HttpApp, store: NoteStore, hub: SseHub): void {
  app.post('/notes', x => {
    const created = store.create(newNote(x.body))
    hub.publish('note', { action: 'created', id: created.id })
    x.send(201, created.json, JSON_TYPE, { location: `/notes/${created.id}` })
  })
  app.get('/notes', x => {
    const q = x.query
    const page = store.list({ limit: limitOf(q.get('limit')), before: cursorId(q.get('cursor')), q: q.get('q') || undefined, tag: q.get('tag') || undefined })
    const next = page.more && page.lastId !== undefined ? JSON.stringify(encodeCursor(page.lastId)) : 'null'
    x.send(200, `{"items":[${page.items.join(',')}],"next_cursor":${next}}`, JSON_TYPE)
  })
  app.get('/notes/:id', x => {
    const json = store.get(noteId(x))
    if (json === undefined) throw notFound(`note ${x.params.id}`)
    x.send(200, json, JSON_TYPE)
  })
  app.patch('/notes/:id', x => {
    const id = noteId(x)
    const json = store.update(id, notePatch(x.body))
    if (json === undefined) throw notFound(`note ${id}`)
    hub.publish('note', { action: 'updated', id })
    x.send(200, json, JSON_TYPE)
  })
  app.delete('/notes/:id', x => {
    const id = noteId(x)
    if (!store.delete(id)) throw notFound(`note ${id}`)
    hub.publish('note', { action: 'deleted', id })
    x.empty(204)
  })
  app.get('/export.ndjson', x => exportNotes(x, store))
}

/** Every note, one JSON line each, read from the database as the client takes them. */
async function exportNotes(x: Exchange, store: NoteStore): Promise<void> {
  const { rows, close } = store.exportRows()
  try {
    const res = x.head(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' })
    if (x.method === 'HEAD') return void res.end()
    let chunk = ''
    for (const json of rows) {
      chunk += json + '\n'
      if (chunk.length < EXPORT_CHUNK) continue
      x.bytes += Buffer.byteLength(chunk)
      const more = res.write(chunk)
      chunk = ''
      if (!more && !(await drained(res))) return
    }
    x.bytes += Buffer.byteLength(chunk)
    res.end(chunk)
  } finally {
    close()
  }
}

/** Waits until `res` can take more: true on drain, false when the client went away. */
function drained(res: ServerResponse): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false)
  return new Promise(resolve => {
    const done = (ok: boolean) => () => { res.off('drain', onDrain).off('close', onClose); resolve(ok) }
    const onDrain = done(true)
    const onClose = done(false)
    res.on('drain', onDrain).on('close', onClose)
  })
}

function noteId(x: Exchange): number {
  const id = x.params.id!
  if (!/^[1-9]\d{0,15}$/.test(id)) throw notFound(`note ${id}`)
  return Number(id)
}

function limitOf(text: string | null): number {
  if (text === null) return DEFAULT_LIMIT
  const n = Number(text)
  if (!/^\d+$/.test(text) || n < 1 || n > MAX_LIMIT) throw validationFailed([{ field: 'limit', code: 'invalid', message: `must be a whole number from 1 to ${MAX_LIMIT}` }])
  return n
}

/** Cursors are opaque to clients: a version and the last id seen, base64url. */
export function encodeCursor(id: number): string {
  return Buffer.from(`n1:${id}`).toString('base64url')
}

function cursorId(cursor: string | null): number | undefined {
  if (cursor === null) return undefined
  const m = /^n1:([1-9]\d{0,15})$/.exec(Buffer.from(cursor, 'base64url').toString('latin1'))
  if (!m || !/^[\w-]+$/.test(cursor)) throw new HttpError(400, 'invalid_cursor', 'the cursor is not one this server gave out: start again without it')
  return Number(m[1])
}
