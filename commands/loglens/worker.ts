// Worker thread entry: summarises one byte range of a log file and posts the result back.
// Bundled on its own as dist/loglens-worker.js; under tsx it runs from this file.
import { parentPort, workerData } from 'node:worker_threads'
import { summarizeRange, type RangeJob } from './range-scan.ts'
import { transferables } from './summary-state.ts'

const job = workerData as RangeJob & { progress: boolean }
const port = parentPort!
try {
  const result = summarizeRange(job, job.progress ? (bytes, lines) => port.postMessage({ type: 'progress', bytes, lines }) : undefined)
  // The tables move to the main thread without a copy.
  port.postMessage({ type: 'done', result }, transferables(result.data))
} catch (err) {
  port.postMessage({ type: 'error', message: (err as Error).message ?? String(err), code: (err as { code?: string }).code })
}
