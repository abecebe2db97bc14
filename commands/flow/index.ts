// `flow`: durable workflows written in fsh. The engine lives in src/flow; each subcommand is a file here.
import { defineCommand } from '../../src/prelude.ts'
import artifacts from './artifacts.ts'
import cancel from './cancel.ts'
import check from './check.ts'
import execStep from './exec-step.ts'
import get from './get.ts'
import logs from './logs.ts'
import ls from './ls.ts'
import resume from './resume.ts'
import retry from './retry.ts'
import run from './run.ts'
import show from './show.ts'
import tail from './tail.ts'

export default defineCommand({
  name: 'flow',
  summary: 'Durable workflows written in fsh: steps with needs, retries and timeouts, run by queue workers',
  description: `
A workflow is an fsh script whose \`step NAME [--needs a,b] [--retries N] [--backoff 1s]
[--timeout 10m] [--if COND] { ... }\` statements declare steps; the rest of the file is ordinary fsh
(let, def, loops that generate steps), evaluated again for each step so the block sees the same
variables. --if COND is a command line checked when the step is ready (true/false decide at once).
Runs live in flow.db in the state dir; steps become flow.step jobs in queue.db beside it. With
--db postgres://..., runs live in that database beside the queue's tables (workers on many hosts:
\`queue work --db\` with the same URL); step logs and artifacts stay in the state dir of the host
that ran the step.
Run: queued -> running -> succeeded | failed | cancelled. Step: waiting -> queued -> running ->
succeeded | failed | skipped | cancelled; every change is an event with its reason. A failure with
retries left waits --backoff (doubling each time) and runs again; a worker killed mid-step loses
its lease and the step is retried (an attempt counted) or fails. A finished step never reruns,
except by \`flow retry\` or \`flow resume\`.`,
  subcommands: [check, run, ls, show, logs, tail, cancel, resume, retry, artifacts, get, execStep],
})
