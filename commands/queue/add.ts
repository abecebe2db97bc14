// `queue add TYPE`: one job from --payload, or one per upstream record, inserted in batches.
import { defineCommand } from '../../src/prelude.ts'
import type { NewJob } from '../../src/queue/store.ts'
import { batch, toText, type Rec } from '../../src/prelude.ts'
import { asRecord, dbFlag, jobType, openStore, parsePayload } from './common.ts'

/** Jobs per transaction when records stream in. */
const BATCH = 1000

export default defineCommand({
  name: 'add',
  summary: 'Add jobs: one from --payload, or one per upstream record',
  description: `
Each upstream record (or JSON line) becomes one job's payload. Higher --priority runs first; within
a priority, the earliest run_at. A failed attempt is retried after a random wait between 0 and
--backoff·2^(attempt-1) (at most an hour) until --max-attempts attempts have been made; then the job
is dead. --key dedups: while a job with that key is queued or running, adding another returns it
(with records upstream, --key names the field that holds each job's key).`,
  flags: {
    payload: { type: 'string', arg: 'JSON', describe: "the job's payload (default null)" },
    priority: { type: 'number', arg: 'N', describe: 'higher runs first (default 0)' },
    delay: { type: 'duration', arg: 'DURATION', describe: 'run no sooner than this from now' },
    'run-at': { type: 'string', arg: 'ISO', describe: 'run no sooner than this time' },
    'max-attempts': { type: 'number', arg: 'N', describe: 'attempts before the job is dead (default 5)' },
    backoff: { type: 'duration', arg: 'DURATION', describe: 'base of the retry backoff (default 1s)' },
    timeout: { type: 'duration', arg: 'DURATION', describe: 'an attempt running longer fails' },
    key: { type: 'string', arg: 'KEY', describe: 'dedup key' },
    ...dbFlag,
  },
  args: [{ name: 'type', type: 'string', describe: 'the job type: shell, fetch, noop, sleep, or one from --handlers' }],
  output: 'records',
  examples: [
    { line: `queue add shell --payload '{"cmd": "echo hi"}' | select id type status`, output: 'id  type   status\n 1  shell  queued' },
    {
      description: 'one job per record; a repeated key is added once',
      line: `open urls.ndjson | queue add fetch --key url | select id duplicate`,
      files: { 'urls.ndjson': '{"url":"http://127.0.0.1:9/a"}\n{"url":"http://127.0.0.1:9/b"}\n{"url":"http://127.0.0.1:9/a"}\n' },
      output: 'id  duplicate\n 1  false\n 2  false\n 1  true',
    },
    { line: `queue add noop --payload '{oops}'`, exit: 2 },
  ],
  async *run(ctx, input) {
    const type = jobType(ctx, ctx.args[0])
    const f = ctx.flags
    if (f.priority !== undefined && !Number.isInteger(f.priority)) ctx.usage(`--priority expects an integer, got ${f.priority}`)
    const maxAttempts = f['max-attempts']
    if (maxAttempts !== undefined && !(Number.isInteger(maxAttempts) && maxAttempts >= 1)) ctx.usage(`--max-attempts expects a whole number of at least 1, got ${maxAttempts}`)
    if (f.delay !== undefined && f['run-at'] !== undefined) ctx.usage('give --delay or --run-at, not both')
    let runAt: number | undefined
    if (f['run-at'] !== undefined) {
      runAt = Date.parse(f['run-at'])
      if (Number.isNaN(runAt)) ctx.usage(`--run-at expects an ISO time like 2030-01-31T12:00:00Z, got '${f['run-at']}'`)
    }
    const payload = f.payload === undefined ? undefined : parsePayload(ctx, f.payload)
    const job = (p: unknown, key: string | null): NewJob => ({
      type, payload: p, key, priority: f.priority, maxAttempts, backoffMs: f.backoff, timeoutMs: f.timeout,
      runAt: runAt ?? (f.delay !== undefined ? Date.now() + f.delay : undefined),
    })
    const store = await openStore(ctx)
    try {
      // --payload makes one job; otherwise each upstream value is one, and no upstream makes one with payload null.
      if (payload !== undefined) {
        yield batch(added(await store.add([job(payload, f.key ?? null)]), [job(payload, null)]))
        return
      }
      let line = 0
      for await (const values of input.batches()) {
        for (let i = 0; i < values.length; i += BATCH) {
          const jobs = values.slice(i, i + BATCH).map(v => {
            line++
            const p = typeof v === 'string' ? parsePayload(ctx, v, `input line ${line}`) : v
            return job(p, f.key === undefined ? null : keyOf(p, f.key))
          })
          yield batch(added(await store.add(jobs), jobs))
        }
      }
      if (line === 0) yield batch(added(await store.add([job(null, f.key ?? null)]), [job(null, null)]))
    } finally {
      await store.close()
    }
  },
})

function keyOf(payload: unknown, field: string): string | null {
  const v = asRecord(payload) ? payload[field] : undefined
  return v === undefined || v === null ? null : toText(v)
}

function added(results: { id: number; created: boolean }[], jobs: NewJob[]): Rec[] {
  const now = new Date()
  return results.map((r, i) => ({ id: r.id, type: jobs[i]!.type, status: 'queued', priority: jobs[i]!.priority ?? 0, run_at: new Date(jobs[i]!.runAt ?? now.getTime()), duplicate: !r.created }))
}
