// Reading on a worker thread: the thread reads the file and gunzips it, and for line formats also
// cuts the text at line ends, checks the UTF-8 and decodes it, so the main thread is left with the
// parsing alone. (Used for .gz: for a plain file, the cost of passing text between threads eats
// what the thread saves.) A few blocks may run ahead (credits), no more: backpressure holds, and
// stopping the consumer stops the thread and closes the file.
import { Worker } from 'node:worker_threads'
import type { LineText } from '../../src/runtime/text-lines.ts'

/** Blocks the thread may send before the main thread has taken them. */
const AHEAD = 4
export const THREAD_BLOCK = 128 * 1024


// Plain CommonJS, run with `eval`: it needs no file of its own next to the bundle.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const fs = require('node:fs')
const zlib = require('node:zlib')
const { isUtf8 } = require('node:buffer')
const { path, gunzip, text, block, ahead, maxLine } = workerData
let credits = ahead
let bytesRead = 0
let done = false
let carry = null
let resume = () => {}

const post = (msg, transfer) => {
  msg.read = bytesRead
  parentPort.postMessage(msg, transfer)
  credits--
}
// Bytes mode: whole blocks, cloned into the main thread (clones are freed sooner there than
// transferred buffers, which keeps the process smaller); this buffer is reused.
const out = Buffer.allocUnsafe(block)
let used = 0
const flushBytes = () => {
  if (!used) return
  post({ chunk: out.subarray(0, used) })
  used = 0
}
const addBytes = data => {
  let off = 0
  while (off < data.length) {
    const n = Math.min(data.length - off, block - used)
    data.copy(out, used, off, off + n)
    used += n
    off += n
    if (used === block) flushBytes()
  }
}
// Text mode: lines up to the last newline go out decoded; the rest waits for more.
const addText = data => {
  const b = carry ? Buffer.concat([carry, data]) : data
  const nl = b.lastIndexOf(10)
  if (nl === -1) {
    carry = Buffer.from(b)
    if (carry.length > maxLine) { post({ tooLong: true }); stop() }
    return
  }
  carry = nl + 1 < b.length ? Buffer.from(b.subarray(nl + 1)) : null
  if (carry && carry.length > maxLine) { sendLines(b.subarray(0, nl)); post({ tooLong: true }); stop(); return }
  sendLines(b.subarray(0, nl))
}
const sendLines = body => {
  if (isUtf8(body)) post({ text: body.toString('utf8') })
  else { const copy = new Uint8Array(body); post({ bytes: copy }, [copy.buffer]) }
}
const add = text ? addText : addBytes
const finish = () => {
  if (done) return
  if (text) { if (carry && carry.length) sendLines(carry); carry = null } else flushBytes()
  parentPort.postMessage({ end: true, read: bytesRead })
  stop()
}
const fail = err => {
  if (done) return
  parentPort.postMessage({ error: { message: err.message, code: err.code } })
  stop()
}
let stopSource = () => {}
const stop = () => { done = true; stopSource() }

if (gunzip) {
  const input = fs.createReadStream(path, { highWaterMark: 1 << 20 })
  const z = zlib.createGunzip({ chunkSize: 64 << 10 })
  input.on('data', d => { bytesRead += d.length })
  input.on('error', fail)
  z.on('error', fail)
  z.on('data', d => { if (!done) { add(d); if (credits <= 0) z.pause() } })
  z.on('end', finish)
  resume = () => z.resume()
  stopSource = () => { input.destroy(); z.destroy() }
  input.pipe(z)
} else {
  // A thread of its own may block on reads: the main thread never waits for them.
  let fd
  try { fd = fs.openSync(path, 'r') } catch (err) { fail(err) }
  stopSource = () => { if (fd !== undefined) { try { fs.closeSync(fd) } catch {} fd = undefined } }
  const buf = Buffer.allocUnsafe(block)
  const pump = () => {
    while (!done && credits > 0) {
      let n
      try { n = fs.readSync(fd, buf, 0, block, null) } catch (err) { fail(err); return }
      if (n === 0) { finish(); return }
      bytesRead += n
      add(buf.subarray(0, n)) // both modes copy what they keep
    }
  }
  resume = pump
  if (!done) pump()
}
parentPort.on('message', () => { credits++; if (!done && credits > 0) resume() })
`

export interface ThreadStats { bytesRead: number }

export interface ThreadOptions {
  gunzip: boolean
  /** Line text (LineText blocks) instead of byte chunks. */
  text: boolean
  maxLine: number
}

type Message = { chunk?: Uint8Array; text?: string; bytes?: Uint8Array; tooLong?: boolean; end?: boolean; read?: number; error?: { message: string; code?: string } }

/** The file's bytes (or line text), read on a worker thread. */
export async function* readOnThread(path: string, opts: ThreadOptions, stats: ThreadStats, wrapError: (err: unknown) => unknown): AsyncGenerator<Uint8Array | LineText> {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { path, gunzip: opts.gunzip, text: opts.text, block: THREAD_BLOCK, ahead: AHEAD, maxLine: opts.maxLine },
    // The thread holds a few blocks, never records: a small heap keeps the process small.
    resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 32 },
  })
  const queue: Message[] = []
  let wake: (() => void) | undefined
  let crashed: Error | undefined
  worker.on('message', (m: Message) => { queue.push(m); wake?.() })
  worker.on('error', err => { crashed = err; wake?.() })
  worker.on('exit', () => { crashed ??= new Error('the reader thread stopped'); wake?.() })
  try {
    for (;;) {
      while (!queue.length) {
        if (crashed) throw crashed
        await new Promise<void>(r => (wake = r))
        wake = undefined
      }
      const m = queue.shift()!
      if (m.read !== undefined) stats.bytesRead = m.read
      if (m.error) throw wrapError(Object.assign(new Error(m.error.message), { code: m.error.code }))
      if (m.end) return
      worker.postMessage(1) // a credit: the thread may send one more block
      if (m.chunk) yield m.chunk
      else yield { text: m.text, bytes: m.bytes, tooLong: m.tooLong }
    }
  } finally {
    worker.removeAllListeners('exit')
    await worker.terminate()
  }
}
