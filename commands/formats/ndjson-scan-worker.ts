// Worker thread entry: parses and filters byte ranges of one NDJSON file (or pieces of it handed over) with the `where`
// expression compiled here from its text, and posts back each range's matching lines.
// Bundled on its own as dist/ndjson-scan-worker.js; under tsx it runs from this file.
import fs from 'node:fs'
import { parentPort, workerData } from 'node:worker_threads'
import { compileExpr, FieldCheck, fieldsOf, parseExpr } from '../../src/expr/index.ts'
import { ChunkReader, scanLines, type ChunkJob, type ChunkResult } from './ndjson-chunk.ts'
import type { ScanSetup } from './ndjson-scan.ts'

const setup = workerData as ScanSetup
const port = parentPort!
const expr = parseExpr(setup.expr)
const fields = new FieldCheck(fieldsOf(expr))
const test = fields.wrap(compileExpr(expr, name => setup.vars[name]))
let reader: ChunkReader | undefined // opened on the first range (pieces of a gunzip stream come as bytes)

port.on('message', (job: ChunkJob) => {
  let result: ChunkResult
  try {
    let body: Buffer
    let long = job.long ?? false
    if (job.body) {
      body = Buffer.from(job.body.buffer, job.body.byteOffset, job.body.byteLength)
    } else {
      reader ??= new ChunkReader(fs.openSync(setup.path, 'r'), setup.size, setup.chunkBytes)
      ;({ body, long } = reader.read(job.start, job.end))
    }
    result = scanLines(job.id, body, long, test, setup.skipInvalid)
    result.fields = fields.report()
  } catch (err) {
    result = { id: job.id, lines: 0, records: 0, matched: '', matchCount: 0, skipped: 0, firstSkipped: 0, firstIsString: false, error: { kind: 'other', at: 0, text: (err as Error).message ?? String(err) } }
  }
  port.postMessage(result)
})
