// Request bodies, read whole up to a limit. A declared Content-Length over the limit is refused
// before a byte is read; a chunked body is counted as it comes and refused the moment it passes the
// limit. Either way the answer says `Connection: close`, so the rest of the body is never read.
import { HttpError } from './errors.ts'
import type { Exchange } from './exchange.ts'

const CLOSE = { connection: 'close' }

export function tooLarge(limit: number): HttpError {
  return new HttpError(413, 'body_too_large', `the request body is larger than ${limit} bytes`, undefined, CLOSE)
}

/** The body's bytes, at most `limit` of them. */
export function readBody(x: Exchange, limit: number): Promise<Buffer> {
  const req = x.req
  const declared = req.headers['content-length']
  if (declared !== undefined && Number(declared) > limit) return Promise.reject(tooLarge(limit))
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let n = 0
    const onData = (chunk: Buffer): void => {
      n += chunk.length
      if (n > limit) {
        req.off('data', onData).off('end', onEnd).pause()
        reject(tooLarge(limit))
      } else chunks.push(chunk)
    }
    const onEnd = (): void => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, n))
    req.on('data', onData).on('end', onEnd).on('error', reject)
  })
}

/** True for `application/json` and `application/*+json`, with or without parameters. */
export function isJsonType(contentType: string | undefined): boolean {
  if (!contentType) return false
  const semi = contentType.indexOf(';')
  const type = (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase()
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'))
}

/** The body parsed as JSON: 415 when it is not declared JSON, 400 invalid_json when it does not parse. */
export async function readJson(x: Exchange, limit: number): Promise<unknown> {
  if (!isJsonType(x.req.headers['content-type'])) {
    throw new HttpError(415, 'unsupported_media_type', 'send the body as application/json', undefined, CLOSE)
  }
  const bytes = await readBody(x, limit)
  if (bytes.length === 0) throw new HttpError(400, 'invalid_json', 'the body is empty: send a JSON document')
  try {
    return JSON.parse(bytes.toString('utf8'))
  } catch (err) {
    throw new HttpError(400, 'invalid_json', `the body is not valid JSON: ${(err as Error).message}`)
  }
}
