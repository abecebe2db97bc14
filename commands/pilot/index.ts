// `pilot`: a process supervisor (SPEC "pilot"). The supervisor and its daemon live in src/pilot;
// each subcommand is a file here.
import { defineCommand } from '../../src/prelude.ts'
import { reload, restart, rm, stop } from './control.ts'
import daemon from './daemon.ts'
import events from './events.ts'
import kill from './kill.ts'
import logs from './logs.ts'
import ls from './ls.ts'
import run from './run.ts'
import start from './start.ts'

export default defineCommand({
  name: 'pilot',
  summary: 'A process supervisor: keep programs running, restart them with backoff, rotate their logs',
  description: `
\`pilot start NAME -- CMD ARG...\` hands a program to a daemon (one per state dir, started on demand,
on a Unix socket in the pilot folder of the state dir) that keeps it running after the shell exits;
\`pilot run -- CMD ARG...\` supervises in the foreground instead. States: starting -> online ->
backoff -> starting … | stopping -> stopped | errored, each change an event with its reason
(\`pilot events\`). Every program runs in its own process group: a stop sends SIGTERM to the group,
SIGKILL after --kill-timeout, so what it started goes with it. A daemon started after its
predecessor was killed adopts the children still alive (same pid, same start time) and starts again
those that are gone. It stays when nothing runs; \`pilot kill\` stops everything and the daemon.`,
  subcommands: [start, ls, stop, restart, reload, rm, logs, events, run, kill, daemon],
  replView: {
    usage: '',
    summary: 'the supervised programs as a live table: r restarts, s stops the one chosen',
    show: async (_req, opts) => (await import('./view.tsx')).showPilot(opts),
  },
})
