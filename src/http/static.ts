// Files under one folder, for a wildcard route (`app.get('/*', serveStatic(dir))`). A request never
// reaches outside the folder: the path is decoded once (so `%2e%2e` is `..`), a `..` segment or a NUL
// is refused, and the real path (symlinks resolved) must still lie under the folder's real path.
import { createReadStream, realpathSync } from 'node:fs'
import { realpath, stat } from 'node:fs/promises'
import { extname, join, sep } from 'node:path'
import { pipeline } from 'node:stream/promises'
import type { Handler } from './app.ts'
import { HttpError } from './errors.ts'
import type { Exchange } from './exchange.ts'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.htm': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8', '.md': 'text/markdown; charset=utf-8', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.webp': 'image/webp',
  '.ico': 'image/x-icon', '.wasm': 'application/wasm', '.pdf': 'application/pdf', '.ndjson': 'application/x-ndjson',
}

const FORBIDDEN = (): HttpError => new HttpError(403, 'forbidden', 'that path leads outside the static folder')
const MISSING = (path: string): HttpError => new HttpError(404, 'not_found', `no file at ${path}`)

/** A handler that serves files from `dir` (index.html for a folder). */
export function serveStatic(dir: string): Handler {
  const root = realpathSync(dir)
  return async (x: Exchange) => {
    let rel: string
    try {
      rel = decodeURIComponent(x.params['*'] ?? x.path)
    } catch {
      throw new HttpError(400, 'bad_request', 'the path is not valid percent-encoding')
    }
    if (rel.includes('\0') || rel.split(/[/\\]/).includes('..')) throw FORBIDDEN()
    let file = join(root, rel)
    let info
    try {
      file = await realpath(file)
      if (file !== root && !file.startsWith(root + sep)) throw FORBIDDEN()
      info = await stat(file)
      if (info.isDirectory()) {
        file = await realpath(join(file, 'index.html'))
        if (!file.startsWith(root + sep)) throw FORBIDDEN()
        info = await stat(file)
      }
    } catch (err) {
      if (err instanceof HttpError) throw err
      throw MISSING(x.path)
    }
    if (!info.isFile()) throw MISSING(x.path)
    const etag = `W/"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`
    if (x.req.headers['if-none-match'] === etag) return x.empty(304, { etag })
    const res = x.head(200, { 'content-type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream', 'content-length': info.size, etag, 'last-modified': info.mtime.toUTCString() })
    if (x.method === 'HEAD') return void res.end()
    x.bytes += info.size
    await pipeline(createReadStream(file), res).catch(() => res.destroy())
  }
}
