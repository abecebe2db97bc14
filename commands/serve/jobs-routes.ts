// With --queue: add jobs, read one, list by status, on the queue's own store (the same file
// `queue work` processes claim from).
import type { HttpApp } from '../../src/http/app.ts'
import { type FieldProblem, HttpError, notFound, validationFailed } from '../../src/http/errors.ts'
import { jobDetail, jobRecord } from '../../src/queue/records.ts'
import { JOB_STATUSES, type JobStatus, type JobStore, type NewJob } from '../../src/queue/store.ts'

const JOB_FIELDS = new Set(['type', 'payload', 'priority', 'delay_ms', 'run_at', 'max_attempts', 'key'])
const MAX_LIMIT = 100

export function jobRoutes(app: HttpApp, store: JobStore): void {
  app.post('/jobs', async x => {
    const job = newJob(x.body)
    const [added] = await store.add([job])
    const detail = (await store.get(added!.id))!
    x.json(added!.created ? 201 : 200, { ...jobDetail(detail), duplicate: !added!.created }, { location: `/jobs/${added!.id}` })
  })
  app.get('/jobs/:id', async x => {
    const id = x.params.id!
    const job = /^[1-9]\d{0,15}$/.test(id) ? await store.get(Number(id)) : undefined
    if (!job) throw notFound(`job ${id}`)
    x.json(200, jobDetail(job))
  })
  app.get('/jobs', async x => {
    const q = x.query
    const status = q.get('status')
    if (status !== null && !(JOB_STATUSES as readonly string[]).includes(status)) {
      throw validationFailed([{ field: 'status', code: 'invalid', message: `one of ${JOB_STATUSES.join(', ')}` }])
    }
    const limitText = q.get('limit') ?? '50'
    const limit = Number(limitText)
    if (!/^\d+$/.test(limitText) || limit < 1 || limit > MAX_LIMIT) throw validationFailed([{ field: 'limit', code: 'invalid', message: `must be a whole number from 1 to ${MAX_LIMIT}` }])
    const cursor = q.get('cursor')
    let afterId: number | undefined
    if (cursor !== null) {
      const m = /^j1:(\d{1,16})$/.exec(Buffer.from(cursor, 'base64url').toString('latin1'))
      if (!m) throw new HttpError(400, 'invalid_cursor', 'the cursor is not one this server gave out: start again without it')
      afterId = Number(m[1])
    }
    const items = []
    for await (const job of store.list({ status: (status ?? undefined) as JobStatus | undefined, afterId, limit: limit + 1 })) items.push(job)
    const more = items.length > limit
    if (more) items.pop()
    const last = items[items.length - 1]
    x.json(200, { items: items.map(jobRecord), next_cursor: more && last ? Buffer.from(`j1:${last.id}`).toString('base64url') : null })
  })
}

function newJob(input: unknown): NewJob {
  const problems: FieldProblem[] = []
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw validationFailed([{ field: '', code: 'not_an_object', message: 'the body must be a JSON object' }])
  const r = input as Record<string, unknown>
  for (const k of Object.keys(r)) if (!JOB_FIELDS.has(k)) problems.push({ field: k, code: 'unknown_field', message: `is not a field of a job (${[...JOB_FIELDS].join(', ')})` })
  if (!Object.hasOwn(r, 'type')) problems.push({ field: 'type', code: 'required', message: 'is required' })
  else if (typeof r.type !== 'string' || !/^[\w.:-]{1,100}$/.test(r.type)) problems.push({ field: 'type', code: 'invalid', message: 'letters, digits and _ . : -' })
  const int = (field: string, min: number): number | undefined => {
    if (!Object.hasOwn(r, field)) return undefined
    const v = r[field]
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) problems.push({ field, code: 'type', message: `must be a whole number of at least ${min}` })
    return v as number
  }
  const priority = int('priority', -1_000_000)
  const delay = int('delay_ms', 0)
  const maxAttempts = int('max_attempts', 1)
  let runAt: number | undefined
  if (Object.hasOwn(r, 'run_at')) {
    runAt = typeof r.run_at === 'string' ? Date.parse(r.run_at) : NaN
    if (Number.isNaN(runAt)) problems.push({ field: 'run_at', code: 'type', message: 'must be an ISO time like 2030-01-31T12:00:00Z' })
  }
  if (delay !== undefined && runAt !== undefined) problems.push({ field: 'run_at', code: 'invalid', message: 'give delay_ms or run_at, not both' })
  if (Object.hasOwn(r, 'key') && r.key !== null && typeof r.key !== 'string') problems.push({ field: 'key', code: 'type', message: 'must be a string' })
  if (problems.length) throw validationFailed(problems)
  return {
    type: r.type as string, payload: r.payload ?? null, priority, maxAttempts,
    runAt: runAt ?? (delay !== undefined ? Date.now() + delay : undefined), key: (r.key as string | undefined) ?? null,
  }
}
