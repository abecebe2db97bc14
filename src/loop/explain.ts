// One line of explanation per step of a replay: why this happened here and now.
import type { Phase, TraceRecord } from './record.ts'

const PHASE_NOTE: Record<Phase, string> = {
  main: 'the main script',
  timers: 'timers phase',
  pending: 'pending phase',
  poll: 'poll phase',
  check: 'check phase',
  close: 'close phase',
}

const quote = (text: string) => `'${text.length > 40 ? `${text.slice(0, 39)}…` : text}'`

export function explain(r: TraceRecord, previousPhase: Phase | undefined): string {
  const line = explainRecord(r)
  return previousPhase !== undefined && previousPhase !== r.phase ? `Now the ${PHASE_NOTE[r.phase]}. ${line}` : line
}

function explainRecord(r: TraceRecord): string {
  const who = `#${r.id}`
  if (r.kind === 'log') {
    if (r.api === 'uncaught') return `An uncaught exception (${r.text}): node prints it and exits, nothing queued runs any more.`
    if (r.api === 'fsh') return 'The console output passed its cap: the program was stopped.'
    const from = r.source === 'script' ? 'The script' : `The ${r.source} callback ${who}`
    return `${from} prints ${quote(r.text)}: console writes are synchronous, so it shows at once.`
  }
  if (r.kind === 'schedule') {
    switch (r.api) {
      case 'setTimeout':
        return `setTimeout arms timer ${who} (${r.text}${r.text === 'after 1ms' ? ': a delay of 0 is really 1ms' : ''}); it runs in a timers phase once due.`
      case 'setInterval':
        return r.source === 'interval'
          ? `Interval ${who} goes back on the timer list for its next run (${r.text}).`
          : `setInterval arms timer ${who}, to run ${r.text} in the timers phase until cleared.`
      case 'setImmediate':
        return `setImmediate queues ${who} for the check phase, which comes right after poll.`
      case 'process.nextTick':
        return `process.nextTick queues ${who}${r.text ? ` (${r.text})` : ''}: it runs as soon as the current callback returns, before promises.`
      case 'promise':
        return `A promise settled: its reaction ${who} joins the microtask queue.`
      case 'queueMicrotask':
        return `queueMicrotask puts ${who} on the microtask queue, the same FIFO queue as promise reactions.`
      case 'clearTimeout': case 'clearInterval':
        return `${r.api} takes timer ${who} off the timer list: it will not run again.`
      case 'clearImmediate':
        return `clearImmediate takes ${who} off the check queue.`
      case 'close':
        return `A handle is closing: its close callback ${who} waits for the close phase at the end of the iteration.`
      default:
        return /^(FSREQ|GETADDRINFO|GETNAMEINFO|FILEHANDLE)/.test(r.text)
          ? `${r.api} hands ${r.text} ${who} to libuv's thread pool; its callback comes back in a poll phase.`
          : `${r.api} gives ${r.text} ${who} to libuv, which watches it; its callbacks come in poll phases.`
    }
  }
  switch (r.source) {
    case 'script': return 'The main script runs first, top to bottom: nothing queued can run until it returns.'
    case 'nextTick':
      return r.phase === 'main'
        ? `The script is done. The nextTick queue drains first: ${who}${r.text ? ` (${r.text})` : ''} runs.`
        : `The callback returned: the nextTick queue drains before anything else, ${who} runs.`
    case 'microtask':
      return `nextTicks done, microtasks next: ${who} (${r.api}) runs. They drain after every callback since Node 11.`
    case 'timeout': return `Timers phase: timer ${who} (${r.text}) is due and runs.`
    case 'interval': return `Timers phase: interval ${who} (${r.text}) is due again.`
    case 'immediate': return `Check phase: immediate ${who} runs. From an I/O callback it always beats setTimeout 0.`
    case 'close': return `Close phase: the close callback of ${who} runs, last in the iteration.`
    case 'io':
      return r.phase === 'pending'
        ? `Pending phase: libuv deferred this callback of ${who} (${r.text}) to the next iteration; it runs before poll.`
        : `Poll phase: libuv reports ${r.text} for ${who} (${r.api}); its callback runs.`
  }
}
