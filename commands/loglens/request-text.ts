// The slow path for quoted fields that contain backslash escapes, and for requests given as text
// (JSON logs, upstream records): decode, then split `METHOD /path?query PROTO`.

/** Decodes the escapes nginx (\xHH) and Apache (\" \\ \xHH \n \t) write inside quoted fields. */
export function unescapeField(b: Uint8Array, s: number, e: number): string {
  const out = Buffer.allocUnsafe(e - s)
  let n = 0
  for (let i = s; i < e; i++) {
    const c = b[i]!
    if (c !== 92 || i + 1 >= e) { out[n++] = c; continue }
    const next = b[++i]!
    if (next === 120 /* x */ && i + 2 < e && isHex(b[i + 1]!) && isHex(b[i + 2]!)) {
      out[n++] = parseInt(String.fromCharCode(b[i + 1]!, b[i + 2]!), 16)
      i += 2
    } else if (next === 110) out[n++] = 10
    else if (next === 116) out[n++] = 9
    else out[n++] = next
  }
  return out.toString('utf8', 0, n)
}

const isHex = (c: number): boolean => (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 102)

export interface RequestParts {
  method: string | null
  path: string | null
  query: string | null
  protocol: string | null
}

/**
 * `GET /a?b=1 HTTP/1.1` → its parts. A request that is not `METHOD TARGET [PROTO]` keeps its
 * text as the path with no method (`-` and an empty request are no request at all).
 */
export function splitRequest(text: string): RequestParts {
  const m = /^([A-Z]+) +(\S+)(?: +(.*?))? *$/.exec(text)
  if (!m) return text === '-' || text === '' ? { method: null, path: null, query: null, protocol: null } : { method: null, path: text, query: null, protocol: null }
  const [path, query] = splitTarget(m[2]!)
  return { method: m[1]!, path, query, protocol: m[3] || null }
}

/** `/a?b=1` → ['/a', 'b=1']; a full URL keeps only its path and query. */
export function splitTarget(target: string): [string, string | null] {
  let t = target
  const scheme = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*/.exec(t)
  if (scheme) t = t.slice(scheme[0].length) || '/'
  const q = t.indexOf('?')
  return q < 0 ? [t, null] : [t.slice(0, q), t.slice(q + 1)]
}
