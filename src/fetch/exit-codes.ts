// What went wrong with a transfer, as curl's exit code and one line a user can act on.
import { FshError } from '../base/errors.ts'

/** curl's exit codes, so scripts written against curl read fetch's the same way. */
export const CURL = {
  unsupportedProtocol: 1,
  cannotResolve: 6,
  cannotConnect: 7,
  partialFile: 18,
  httpError: 22,
  writeError: 23,
  timeout: 28,
  sslConnect: 35,
  tooManyRedirects: 47,
  emptyReply: 52,
  recvError: 56,
  peerCertificate: 60,
  badContentEncoding: 61,
  retriesExhausted: 75,
} as const

/** A failure of one attempt; `transient` ones are worth another attempt. */
export class TransferError extends FshError {
  static { Object.defineProperty(this, 'name', { value: 'TransferError' }) }
  constructor(code: number, message: string, readonly transient = false) {
    super(code, message)
  }
}

const TLS_CERT = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|HOSTNAME_MISMATCH|ERR_TLS_CERT/

/** The error of an attempt at `url`, classified; an FshError (a timeout of ours) passes as it is. */
export function transferError(err: unknown, url: string): FshError {
  if (err instanceof FshError) return err
  const e = err as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException }
  const code = e?.code ?? ''
  const host = safeHost(url)
  const causeCode = e?.cause?.code ?? ''
  switch (code) {
    case 'ENOTFOUND': case 'EAI_AGAIN': case 'EAI_NONAME': case 'EAI_FAIL':
      return new TransferError(CURL.cannotResolve, `cannot resolve host ${host}`, code === 'EAI_AGAIN')
    case 'ECONNREFUSED': case 'EHOSTUNREACH': case 'ENETUNREACH': case 'EADDRNOTAVAIL':
      return new TransferError(CURL.cannotConnect, `cannot connect to ${host}: ${describe(code)}`, true)
    case 'UND_ERR_CONNECT_TIMEOUT':
      return new TransferError(CURL.timeout, `timed out connecting to ${host} (--connect-timeout)`, true)
    case 'UND_ERR_HEADERS_TIMEOUT':
      return new TransferError(CURL.timeout, `${host} sent no response in time (--idle-timeout)`, true)
    case 'UND_ERR_BODY_TIMEOUT':
      return new TransferError(CURL.timeout, `${host} stopped sending the body (--idle-timeout)`, true)
    case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
      return new TransferError(CURL.partialFile, `the body from ${host} does not match its Content-Length`, true)
    case 'UND_ERR_SOCKET': case 'ECONNRESET': case 'EPIPE': case 'UND_ERR_CLOSED':
      return new TransferError(CURL.recvError, `the connection to ${host} was closed early`, true)
  }
  if (TLS_CERT.test(code) || TLS_CERT.test(causeCode)) return new TransferError(CURL.peerCertificate, `TLS certificate of ${host} not accepted: ${e.message}`)
  if (code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS') || /SSL routines|ssl3|tls/i.test(e?.message ?? '')) return new TransferError(CURL.sslConnect, `TLS handshake with ${host} failed: ${e.message}`)
  if (code === 'UND_ERR_INVALID_ARG' && /Redirect loop/.test(e.message)) return new TransferError(CURL.tooManyRedirects, `${url} redirects in a loop`)
  if (e?.message === 'max redirects') return new TransferError(CURL.tooManyRedirects, `too many redirects from ${url} (--max-redirects)`)
  if (code === 'UND_ERR_INVALID_ARG' && /URL protocol/.test(e.message)) return new TransferError(CURL.unsupportedProtocol, `${url} redirects to a URL that is not http: or https:`)
  // zlib's codes (Z_DATA_ERROR) and brotli's (ERR__ERROR_FORMAT_...).
  if (/^(Z_|ERR__ERROR)/.test(code)) return new TransferError(CURL.badContentEncoding, `the body from ${host} is not valid for its Content-Encoding: ${e.message}`)
  return new FshError(1, `${url}: ${e?.message ?? String(err)}`)
}

function describe(code: string): string {
  switch (code) {
    case 'ECONNREFUSED': return 'connection refused'
    case 'EHOSTUNREACH': return 'host unreachable'
    case 'ENETUNREACH': return 'network unreachable'
    default: return 'address not available'
  }
}

function safeHost(url: string): string {
  try { return new URL(url).host } catch { return url }
}
