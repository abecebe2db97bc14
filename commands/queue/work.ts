// `queue work`: a worker in this process, until Ctrl-C (or the run's signal), or with --once until
// nothing is left to do.
import { defineCommand } from '../../src/prelude.ts'
import { builtinHandlers, loadHandlers } from '../../src/queue/handlers.ts'
import { runWorker } from '../../src/queue/worker.ts'
import { flowHandlers } from '../../src/flow/queue-link.ts'
import { formatError } from '../../src/prelude.ts'
import { dbFlag, openStore } from './common.ts'
import { isPostgresUrl } from '../../src/queue/open.ts'

export default defineCommand({
  name: 'work',
  summary: 'Run jobs: claim, run with a lease renewed by heartbeat, retry or bury',
  description: `
Built-in job types: noop; sleep (payload {"ms": 250} or "2s"); shell (payload {"cmd": "LINE",
"timeout": "10s"}: an fsh command line, failing on a non-zero exit); fetch (payload {"url",
"method", "headers", "body"}: fails on HTTP 4xx/5xx). --handlers FILE.mjs adds or replaces types:
its exported functions (or default-exported object of functions) are called as fn(payload, job),
where job.signal fires on cancel, lease loss, timeout and shutdown; what they return is the
job's result. A job whose type has no handler is dead at once.
Each running job holds a lease renewed every second (or lease/3); a worker that dies loses its
leases and another worker reclaims the jobs. Ctrl-C stops claiming, lets running jobs finish
within --grace, then hands the rest back to the queue. Prints a summary record at the end.
With --max-memory, a worker whose handlers leak stops claiming once its resident size passes the
limit, finishes what runs (within --grace) and exits 0 with \`recycled\` saying why: run it under a
supervisor (pilot, systemd, a shell loop) that starts a fresh one.`,
  flags: {
    concurrency: { type: 'number', arg: 'N', default: 4, describe: 'jobs at once (and per claim)' },
    types: { type: 'string', arg: 'a,b', describe: 'only these job types' },
    lease: { type: 'duration', arg: 'DURATION', default: 30_000, describe: 'how long a claim holds without a heartbeat' },
    grace: { type: 'duration', arg: 'DURATION', default: 10_000, describe: 'on stop, how long running jobs may take to finish' },
    once: { type: 'boolean', describe: 'stop when no job is ready and none is running' },
    handlers: { type: 'string', arg: 'FILE.mjs', describe: 'a module exporting handler functions, one per job type' },
    'max-memory': { type: 'size', arg: 'SIZE', describe: 'past this resident size, finish running jobs and exit (for a supervisor to start a fresh worker)' },
    ...dbFlag,
  },
  output: 'record',
  service: true,
  examples: [
    {
      line: `queue add shell --payload '{"cmd": "echo hi"}' | count; queue work --once | select succeeded dead`,
      output: '1\nsucceeded  dead\n        1     0',
    },
  ],
  async run(ctx) {
    const f = ctx.flags
    if (!(Number.isInteger(f.concurrency) && f.concurrency >= 1 && f.concurrency <= 10_000)) ctx.usage(`--concurrency expects a whole number from 1 to 10000, got ${f.concurrency}`)
    if (f.lease < 100) ctx.usage('--lease must be at least 100ms')
    const handlers = { ...builtinHandlers(ctx.shell), ...flowHandlers({ ...ctx.env }, { stateDir: ctx.shell.home.state, postgres: f.db !== undefined && isPostgresUrl(f.db) ? f.db : undefined }), ...(f.handlers ? await loadHandlers(ctx.resolve(f.handlers)) : {}) }
    const types = f.types?.split(',').map(t => t.trim()).filter(Boolean)
    const store = await openStore(ctx)
    try {
      const summary = await runWorker({
        store, handlers, signal: ctx.signal, types, once: f.once,
        concurrency: f.concurrency, leaseMs: f.lease, graceMs: f.grace, maxRssBytes: f['max-memory'],
        onProgress: s => ctx.progress(s.succeeded + s.retried + s.dead + s.cancelled, undefined, 'jobs'),
        onError: err => ctx.warn(formatError(err).replace(/^fsh: /, '').trimEnd()),
      })
      if (summary.recycled) ctx.warn(`stopped to be recycled: ${summary.recycled}`)
      const { worker: _, recycled, ...counts } = summary
      return recycled ? { ...counts, recycled } : counts
    } finally {
      await store.close()
    }
  },
})
