// Gunzip on a worker thread. zlib in the main thread inflates one chunk at a time between the
// parser's turns, so inflating and parsing take turns; on a thread of its own it inflates the next
// chunks while the main thread parses this one. A few chunks may run ahead (credits), no more:
// backpressure holds, and stopping the consumer stops the thread and closes the file.
import { Worker } from 'node:worker_threads'

/** Chunks the thread may send before the main thread has taken them. */
const AHEAD = 4
export const THREAD_CHUNK = 256 * 1024

// Plain CommonJS, run with `eval`: it needs no file of its own next to the bundle.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const fs = require('node:fs')
const zlib = require('node:zlib')
const { path, chunk, ahead } = workerData
let credits = ahead
let block = Buffer.allocUnsafe(chunk)
let used = 0
const input = fs.createReadStream(path, { highWaterMark: 1 << 20 })
const gunzip = zlib.createGunzip({ chunkSize: 64 << 10 })
const fail = err => { parentPort.postMessage({ error: { message: err.message, code: err.code } }); input.destroy(); gunzip.destroy() }
input.on('error', fail)
gunzip.on('error', fail)
// Whole blocks, cloned into the main thread: one block is reused here, and the clones are plain
// heap-accounted memory there (transferred buffers linger longer before the GC frees them).
const send = () => {
  parentPort.postMessage({ chunk: block.subarray(0, used), read: input.bytesRead })
  used = 0
  if (--credits <= 0) gunzip.pause()
}
gunzip.on('data', data => {
  let off = 0
  while (off < data.length) {
    const n = Math.min(data.length - off, block.length - used)
    data.copy(block, used, off, off + n)
    used += n
    off += n
    if (used === block.length) send()
  }
})
gunzip.on('end', () => { if (used) send(); parentPort.postMessage({ end: true, read: input.bytesRead }) })
parentPort.on('message', () => { credits++; if (credits > 0) gunzip.resume() })
input.pipe(gunzip)
`

export interface ThreadStats { bytesRead: number }

/** The decompressed bytes of a gzip file, inflated on a worker thread. */
export async function* gunzipOnThread(path: string, stats: ThreadStats, wrapError: (err: unknown) => unknown): AsyncGenerator<Uint8Array> {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { path, chunk: THREAD_CHUNK, ahead: AHEAD },
    // The thread holds a few chunks, never records: a small heap keeps the process small.
    resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 32 },
  })
  const queue: { chunk?: Uint8Array; end?: boolean; read?: number; error?: { message: string; code?: string } }[] = []
  let wake: (() => void) | undefined
  let crashed: Error | undefined
  worker.on('message', m => { queue.push(m); wake?.() })
  worker.on('error', err => { crashed = err; wake?.() })
  worker.on('exit', () => { crashed ??= new Error('the gunzip thread stopped'); wake?.() })
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
      worker.postMessage(1) // a credit: the thread may inflate one more chunk
      yield m.chunk!
    }
  } finally {
    worker.removeAllListeners('exit')
    await worker.terminate()
  }
}
