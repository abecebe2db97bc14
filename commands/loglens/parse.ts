// `loglens parse`: access-log lines → typed request records.
import { batch, defineCommand, isRecord, toJson, type Input, type Item } from '../../src/prelude.ts'
import { FormatGate, type Family } from './format-sniff.ts'
import { commonOptions, COMMON_FLAGS, moreErrors } from './options.ts'
import { ParseErrors } from './parse-errors.ts'
import { LineProgress } from './progress-meter.ts'
import { ClfRecordSink, JsonRecordSink } from './record-sinks.ts'
import { feedLog, openLog } from './sources.ts'

const LOG = [
  '203.0.113.7 - - [26/Dec/2025:13:04:05 +0000] "GET /api/search?q=shoes HTTP/1.1" 200 5120 "-" "curl/8.5.0" 0.018',
  '2001:db8::1 - - [26/Dec/2025:13:04:06 +0000] "POST /api/login HTTP/1.1" 401 - "https://example.com/" "Mozilla/5.0" 0.120',
  '198.51.100.2 - - [26/Dec/2025:13:05:10 +0000] "GET /api/search HTTP/1.1" 502 157 "-" "curl/8.5.0" 1.532',
].join('\n') + '\n'

export default defineCommand({
  name: 'parse',
  summary: 'Parse access-log lines into request records',
  description: `Reads nginx/Apache combined or common logs (with or without a trailing request time in
seconds, like $request_time) or JSON lines, from files (.gz too), stdin or upstream lines, and emits
{ts, ip, method, path, query, protocol, status, bytes, referer, ua, latency_ms}. A "-" becomes null
(0 for bytes). Lines that do not parse are counted; the first five are shown on stderr.
JSON lines: ts from time/ts/timestamp, path from path/url/uri (or "request"), latency_ms from
latency/*_ms (milliseconds) or request_time/duration/elapsed (seconds); a "request" object
(Caddy) is looked into too.`,
  flags: COMMON_FLAGS,
  output: 'records',
  args: [{ name: 'file', type: 'path', optional: true, variadic: true, describe: 'log files (.gz too); stdin or the records upstream when left out' }],
  examples: [
    {
      line: 'loglens parse access.log | select method path status latency_ms',
      files: { 'access.log': LOG },
      output: 'method  path         status  latency_ms\nGET     /api/search     200          18\nPOST    /api/login      401         120\nGET     /api/search     502        1532',
    },
    {
      description: 'Slow errors, with the record verbs',
      line: "loglens parse access.log | where status >= 500 && latency_ms > 1s | select ts ip path",
      files: { 'access.log': LOG },
      output: 'ts                        ip            path\n2025-12-26T13:05:10.000Z  198.51.100.2  /api/search',
    },
  ],
  async *run(ctx, input) {
    const o = commonOptions(ctx)
    const errors = new ParseErrors()
    errors.onSample = o.report
    let sink: ClfRecordSink | JsonRecordSink | undefined
    const makeSink = (family: Family) => (sink = family === 'json' ? new JsonRecordSink(errors, o.window) : new ClfRecordSink(errors, o.window))
    function* drain(): Generator<Item> {
      if (sink && sink.out.length) {
        const out = sink.out
        sink.out = []
        yield batch(out)
      }
    }

    const [files] = ctx.args
    if (files.length) {
      const logs = files.map(name => openLog(name, ctx.resolve(name)))
      const total = logs.reduce((n, l) => n + l.size, 0)
      const meter = o.progress ? new LineProgress(ctx.progress, total) : undefined
      for (const log of logs) {
        errors.source = log.name
        sink = undefined
        const gate = new FormatGate(o.format, log.name, makeSink)
        for await (const _ of feedLog(log, gate, meter, ctx.signal)) yield* drain()
        yield* drain()
      }
    } else {
      const gate = new FormatGate(o.format, '', makeSink)
      const meter = o.progress ? new LineProgress(ctx.progress, 0) : undefined
      let lines = 0
      for await (const chunk of upstreamBytes(input)) {
        ctx.signal.throwIfAborted()
        gate.feed(chunk)
        meter?.add(0, gate.lineNo - lines)
        lines = gate.lineNo
        yield* drain()
      }
      gate.end()
      yield* drain()
    }
    const more = moreErrors(errors.count, o.shown())
    if (more) ctx.warn(more)
  },
})

/** Upstream as log bytes: bytes as they are, strings and `{line}` records (from `lines`) as lines. */
async function* upstreamBytes(input: Input): AsyncGenerator<Uint8Array> {
  if ((await input.kind()) === 'bytes') {
    yield* input.bytes()
    return
  }
  for await (const values of input.batches()) {
    let text = ''
    for (const v of values) {
      text += (typeof v === 'string' ? v : isRecord(v) && typeof v.line === 'string' ? v.line : toJson(v)) + '\n'
    }
    yield Buffer.from(text)
  }
}
