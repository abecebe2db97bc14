// `loglens summary`: one incident-report record for a whole log, in bounded memory. Large plain
// files are split between worker threads; gzip files, stdin and upstream records stream through
// one parser on this thread.
import fs from 'node:fs'
import { defineCommand, isRecord, toJson, type Input } from '../../src/prelude.ts'
import { FormatGate, sniffHead, SNIFF_BYTES, type Family } from './format-sniff.ts'
import { commonOptions, COMMON_FLAGS, moreErrors, type CommonOptions } from './options.ts'
import { workerCount } from '../../src/runtime/workers.ts'
import { PARALLEL_MIN_BYTES, summarizeInParallel } from './parallel.ts'
import { LineProgress } from './progress-meter.ts'
import { renderSummary } from './render.ts'
import { feedLog, fileError, openLog, type OpenedLog } from './sources.ts'
import { DEFAULT_MAX_ROUTES, mergeSummaries, SummaryState, summaryRecord, type SummaryData } from './summary-state.ts'
import { addRecord, ClfSummarySink, JsonSummarySink } from './summary-sinks.ts'

const LOG = [
  '203.0.113.7 - - [26/Dec/2025:13:04:05 +0000] "GET /api/search?q=shoes HTTP/1.1" 200 5120 "-" "curl/8.5.0" 0.018',
  '203.0.113.9 - - [26/Dec/2025:13:04:05 +0000] "GET /api/search?q=hats HTTP/1.1" 200 4410 "-" "curl/8.5.0" 0.140',
  '2001:db8::1 - - [26/Dec/2025:13:04:06 +0000] "POST /api/login HTTP/1.1" 401 - "https://example.com/" "Mozilla/5.0" 0.120',
  '198.51.100.2 - - [26/Dec/2025:13:05:10 +0000] "GET /api/search HTTP/1.1" 502 157 "-" "curl/8.5.0" 1.532',
  'this line is not a log line',
].join('\n') + '\n'

export default defineCommand({
  name: 'summary',
  summary: 'Summarise an access log: status mix, latency percentiles, top routes, busiest minute',
  description: `Reads the same inputs as \`loglens parse\` (files, .gz, stdin), or its records from upstream
(\`loglens parse x.log | where method == 'GET' | loglens summary\`), and emits one record:
{lines, parse_errors, requests, status: {2xx, 3xx, 4xx, 5xx}, latency: {p50, p95, p99, max},
top_routes: [{method, path, count, p95}], busiest_minute: {minute, count}} (latencies in ms).
Memory stays bounded: percentiles come from a log-linear histogram (within 1%), routes from a
table of --max-routes entries, exact below it and a heavy-hitters sketch above it. A large plain
file is split between the cores (this thread and worker threads); the parts are merged.`,
  flags: {
    ...COMMON_FLAGS,
    top: { type: 'number', default: 10, arg: 'N', describe: 'how many routes to list' },
    'max-routes': { type: 'number', default: DEFAULT_MAX_ROUTES, arg: 'N', describe: 'distinct routes tracked exactly; beyond it counts are estimates' },
  },
  output: 'record',
  args: [{ name: 'file', type: 'path', optional: true, variadic: true, describe: 'log files (.gz too); stdin or the records upstream when left out' }],
  format: renderSummary,
  examples: [
    {
      description: 'At the end of a pipeline the summary prints for people',
      line: 'loglens summary access.log',
      files: { 'access.log': LOG },
      output: [
        'Lines processed: 5               Parse errors: 1 (20%)',
        'Status codes:    2xx 50%  3xx 0%  4xx 25%  5xx 25%',
        'Latency (ms):    p50 120  p95 1,532  p99 1,532  max 1,532',
        'Top routes:      1) GET /api/search  3  (p95 1,532ms)',
        '                 2) POST /api/login  1  (p95 120ms)',
        'Busiest minute:  2025-12-26T13:04Z  3 req/min',
      ].join('\n'),
    },
    {
      description: '--json prints the record as one JSON document',
      line: 'loglens summary access.log --top 1 --json',
      files: { 'access.log': LOG },
      output: [
        '{', '  "lines": 5,', '  "parse_errors": 1,', '  "requests": 4,',
        '  "status": {', '    "2xx": 2,', '    "3xx": 0,', '    "4xx": 1,', '    "5xx": 1', '  },',
        '  "latency": {', '    "p50": 120,', '    "p95": 1532,', '    "p99": 1532,', '    "max": 1532', '  },',
        '  "top_routes": [', '    {', '      "method": "GET",', '      "path": "/api/search",', '      "count": 3,', '      "p95": 1532', '    }', '  ],',
        '  "busiest_minute": {', '    "minute": "2025-12-26T13:04Z",', '    "count": 3', '  }', '}',
      ].join('\n'),
    },
    {
      description: 'Summarise only the records that pass a filter; --json prints the record',
      line: "loglens parse access.log | where method == 'GET' | loglens summary --json | from json | select requests status",
      files: { 'access.log': LOG },
      output: 'requests  status\n       3  {"2xx":2,"3xx":0,"4xx":0,"5xx":1}',
    },
  ],
  async run(ctx, input) {
    const o = commonOptions(ctx)
    const top = ctx.flags.top
    const maxRoutes = ctx.flags['max-routes']
    if (!Number.isInteger(top) || top < 0) ctx.usage(`--top expects a whole number, got ${top}`)
    if (!Number.isInteger(maxRoutes) || maxRoutes < 1) ctx.usage(`--max-routes expects a whole number of at least 1, got ${maxRoutes}`)

    const st = new SummaryState(maxRoutes)
    st.errors.onSample = o.report
    const makeSink = (family: Family) => (family === 'json' ? new JsonSummarySink(st, o.window) : new ClfSummarySink(st, o.window))
    const parts: SummaryData[] = []

    const [files] = ctx.args
    if (files.length) {
      const logs = files.map(name => openLog(name, ctx.resolve(name)))
      const total = logs.reduce((n, l) => n + l.size, 0)
      const meter = o.progress ? new LineProgress(ctx.progress, total) : undefined
      const workers = workerCount()
      for (const log of logs) {
        if (!log.gzip && log.size >= PARALLEL_MIN_BYTES && !o.strict && workers > 1) {
          const family = sniffHead(readHead(log), o.format, log.name)
          if (ctx.env.FSH_DEBUG === '1') ctx.log(`fsh: loglens: parallel summary of ${log.name} (${workers} workers)`)
          const onProgress = meter ? (bytes: number, lines: number) => meter.add(bytes, lines) : undefined
          const part = await summarizeInParallel(log, { family, window: o.window, maxRoutes, workers, signal: ctx.signal, onProgress })
          for (const s of part.errors) o.report(s)
          parts.push(part)
          continue
        }
        st.errors.source = log.name
        const gate = new FormatGate(o.format, log.name, makeSink)
        for await (const _ of feedLog(log, gate, meter, ctx.signal)) { /* the sink summarises as lines arrive */ }
      }
    } else {
      const meter = o.progress ? new LineProgress(ctx.progress, 0) : undefined
      let seen = 0
      await summarizeUpstream(input, st, o, makeSink, ctx.signal, lines => { meter?.add(0, lines - seen); seen = lines })
    }

    const data = mergeSummaries([st.toData(), ...parts], maxRoutes)
    if (data.lines === 0) ctx.warn('no log lines in the input')
    const more = moreErrors(data.parseErrors, o.shown())
    if (more) ctx.warn(more)
    if (data.routes.approximate) {
      ctx.warn(`more than ${maxRoutes.toLocaleString('en-US')} distinct routes: route counts are estimates (raise --max-routes for exact ones)`)
    }
    return summaryRecord(data, top)
  },
})

function readHead(log: OpenedLog): Buffer {
  const buf = Buffer.allocUnsafe(Math.min(SNIFF_BYTES, log.size))
  let fd: number | undefined
  try {
    fd = fs.openSync(log.path, 'r')
    const n = fs.readSync(fd, buf, 0, buf.length, 0)
    return buf.subarray(0, n)
  } catch (err) {
    throw fileError(log.name, err)
  } finally {
    if (fd !== undefined) fs.closeSync(fd)
  }
}

/**
 * Upstream bytes (stdin, an external) are log text; upstream values are either records from
 * `loglens parse` (summarised field by field) or lines (strings, `{line}` records from `lines`).
 */
async function summarizeUpstream(
  input: Input, st: SummaryState, o: CommonOptions, makeSink: (f: Family) => ClfSummarySink | JsonSummarySink, signal: AbortSignal, progress: (lines: number) => void,
): Promise<void> {
  const kind = await input.kind()
  if (kind === 'none') return
  const gate = new FormatGate(o.format, '', makeSink)
  if (kind === 'bytes') {
    for await (const chunk of input.bytes()) {
      signal.throwIfAborted()
      gate.feed(chunk)
      progress(gate.lineNo)
    }
    gate.end()
    return
  }
  let index = 0
  let sawLines = false
  for await (const values of input.batches()) {
    signal.throwIfAborted()
    let text = ''
    for (const v of values) {
      index++
      if (typeof v === 'string') text += v + '\n'
      else if (isRecord(v) && typeof v.line === 'string' && v.status === undefined) text += v.line + '\n'
      else if (!addRecord(st, o.window, v)) {
        st.lines++
        const json = Buffer.from(toJson(v))
        st.errors.add(index, 'not a request record (no status field)', json, 0, json.length)
      }
    }
    if (text) {
      sawLines = true
      gate.feed(Buffer.from(text))
    }
    progress(index)
  }
  if (sawLines) gate.end()
}
