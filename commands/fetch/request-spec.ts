// What the command line asks for, checked before anything is sent: the URL, the headers, the body.
// Each mistake is one usage line (exit 2), as curl users would want it said.
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import type { Ctx, Input } from '../../src/prelude.ts'
import type { RequestBody } from '../../src/fetch/index.ts'

export type Body = { make: () => RequestBody; replayable: boolean }

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

/** The URL as fetch will send it: http or https, nothing else. */
export function checkUrl(ctx: Pick<Ctx, 'usage'>, text: string): string {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return ctx.usage(`'${text}' is not a URL: it needs a scheme, as in http://${text}`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return ctx.usage(/^[a-z0-9.-]+$/i.test(url.protocol.slice(0, -1)) && /^\d/.test(url.pathname)
      ? `'${text}' is not a URL: it needs a scheme, as in http://${text}`
      : `unsupported scheme '${url.protocol.slice(0, -1)}' in ${text}: fetch speaks http and https`)
  }
  return url.href
}

/** `-H 'Name: value'` lines as pairs; names and values as given (a `__proto__` header is a header). */
export function parseHeaders(ctx: Pick<Ctx, 'usage'>, lines: string[]): [string, string][] {
  return lines.map(line => {
    const colon = line.indexOf(':')
    const name = colon < 0 ? '' : line.slice(0, colon).trim()
    const value = colon < 0 ? '' : line.slice(colon + 1).trim()
    if (!TOKEN.test(name)) ctx.usage(`malformed header '${line}': write it as 'Name: value'`)
    if (/[\r\n\0]/.test(value)) ctx.usage(`malformed header '${name}': a value cannot hold a line break`)
    return [name, value] as [string, string]
  })
}

export const hasHeader = (headers: [string, string][], name: string): boolean => headers.some(([k]) => k.toLowerCase() === name)

/**
 * The body of -d or --json: text as given, `@FILE` read for each attempt, `@-` the input's bytes
 * (once: such a request is not retried).
 */
export async function requestBody(ctx: Pick<Ctx, 'usage' | 'resolve'>, data: string, input: Input): Promise<Body> {
  if (data === '@-') return { make: () => input.bytes(), replayable: false }
  if (data.startsWith('@')) {
    const name = data.slice(1)
    const path = ctx.resolve(name)
    const st = await stat(path).catch(() => undefined)
    if (!st) ctx.usage(`cannot read the body file ${name}: no such file`)
    if (st.isDirectory()) ctx.usage(`cannot read the body file ${name}: it is a directory`)
    return { make: () => createReadStream(path), replayable: st.isFile() }
  }
  const bytes = Buffer.from(data)
  return { make: () => bytes, replayable: true }
}
