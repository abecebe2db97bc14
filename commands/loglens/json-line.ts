// JSON-lines access logs (Caddy, app servers, nginx `escape=json`): field names vary, so each
// field is looked up under its usual names, at the top level or inside a `request` object.
//   ts       time ts timestamp @timestamp time_local time_iso8601 date datetime (ISO/CLF text, epoch s or ms)
//   status   status status_code statusCode response_status http_status code
//   method   method request_method verb http_method
//   path     path url uri request_uri request_path, or `request` as "GET /x HTTP/1.1"
//   latency  milliseconds: latency latency_ms duration_ms elapsed_ms response_time_ms request_time_ms
//            seconds: request_time duration elapsed response_time upstream_response_time
//            text with a unit ("18ms", "0.2s") means what it says
import { parseDuration } from '../../src/prelude.ts'
import { splitRequest, splitTarget } from './request-text.ts'

export interface JsonRequest {
  /** Epoch milliseconds, or NaN without a timestamp. */
  ms: number
  ip: string | null
  method: string | null
  path: string | null
  query: string | null
  protocol: string | null
  status: number
  bytes: number | null
  referer: string | null
  ua: string | null
  /** Request time in microseconds, or -1. */
  us: number
}

type Obj = Record<string, unknown>

const TS = ['time', 'ts', 'timestamp', '@timestamp', 'time_local', 'time_iso8601', 'date', 'datetime']
const STATUS = ['status', 'status_code', 'statusCode', 'response_status', 'http_status', 'code']
const METHOD = ['method', 'request_method', 'verb', 'http_method']
const PATH = ['path', 'url', 'uri', 'request_uri', 'request_path']
const IP = ['ip', 'remote_addr', 'remote_ip', 'client_ip', 'clientip', 'client_addr']
const BYTES = ['bytes', 'body_bytes_sent', 'bytes_sent', 'size', 'response_size', 'resp_bytes']
const REFERER = ['referer', 'referrer', 'http_referer']
const UA = ['ua', 'user_agent', 'userAgent', 'http_user_agent', 'agent']
const PROTOCOL = ['protocol', 'proto', 'server_protocol']
const LATENCY_MS = ['latency', 'latency_ms', 'duration_ms', 'elapsed_ms', 'response_time_ms', 'request_time_ms']
const LATENCY_S = ['request_time', 'duration', 'elapsed', 'response_time', 'upstream_response_time']

function pick(o: Obj, names: readonly string[]): unknown {
  for (const n of names) {
    const v = o[n]
    if (v !== undefined && v !== null && v !== '' && v !== '-') return v
  }
  const inner = o.request
  if (inner && typeof inner === 'object' && !Array.isArray(inner)) {
    for (const n of names) {
      const v = (inner as Obj)[n]
      if (v !== undefined && v !== null && v !== '' && v !== '-') return v
    }
  }
  return undefined
}

const text = (v: unknown): string | null => (v === undefined ? null : typeof v === 'string' ? v : Array.isArray(v) ? text(v[0]) : JSON.stringify(v))

function number(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v)
  return null
}

/** Epoch ms of a timestamp value: ISO or CLF text, or a number of seconds or milliseconds. */
export function timestampMs(v: unknown): number {
  if (v instanceof Date) return v.getTime()
  if (typeof v === 'number') return v < 1e11 ? v * 1000 : v
  if (typeof v !== 'string') return NaN
  if (/^\d+(\.\d+)?$/.test(v)) return timestampMs(Number(v))
  const clf = /^(\d{2})\/(\w{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-]\d{4})$/.exec(v)
  if (clf) return Date.parse(`${clf[2]} ${clf[1]} ${clf[3]} ${clf[4]}:${clf[5]}:${clf[6]} ${clf[7]}`)
  return Date.parse(v)
}

/** Microseconds of a latency value, given whether a bare number means seconds or milliseconds. */
export function latencyUs(v: unknown, seconds: boolean): number {
  let ms: number | undefined
  if (typeof v === 'number') ms = seconds ? v * 1000 : v
  else if (typeof v === 'string') {
    const n = number(v)
    ms = n !== null ? (seconds ? n * 1000 : n) : parseDuration(v.trim())
  }
  return ms === undefined || !Number.isFinite(ms) || ms < 0 ? -1 : Math.round(ms * 1000)
}

/** The request in a parsed JSON log line, or the reason it is not one. */
export function readJsonRequest(o: unknown): JsonRequest | string {
  if (!o || typeof o !== 'object' || Array.isArray(o)) return 'not a JSON object'
  const obj = o as Obj
  const status = number(pick(obj, STATUS))
  if (status === null) return 'no status field'
  let method = text(pick(obj, METHOD))
  let path: string | null = null
  let query: string | null = null
  let protocol = text(pick(obj, PROTOCOL))
  const target = text(pick(obj, PATH))
  if (target !== null) [path, query] = splitTarget(target)
  else if (typeof obj.request === 'string') {
    const r = splitRequest(obj.request)
    method ??= r.method
    path = r.path
    query = r.query
    protocol ??= r.protocol
  }
  let us = -1
  const ms = pick(obj, LATENCY_MS)
  if (ms !== undefined) us = latencyUs(ms, false)
  else {
    const s = pick(obj, LATENCY_S)
    if (s !== undefined) us = latencyUs(s, true)
  }
  let ua = pick(obj, UA)
  if (ua === undefined) {
    const headers = (obj.request as Obj | undefined)?.headers as Obj | undefined
    if (headers && typeof headers === 'object') ua = headers['User-Agent'] ?? headers['user-agent']
  }
  return {
    ms: timestampMs(pick(obj, TS)),
    ip: text(pick(obj, IP)),
    method: method === null ? null : method.toUpperCase(),
    path,
    query,
    protocol,
    status,
    bytes: number(pick(obj, BYTES)),
    referer: text(pick(obj, REFERER)),
    ua: text(ua),
    us,
  }
}
