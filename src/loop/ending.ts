// What to tell a person about how a traced program ended, for `loop trace` and for `:loop`.
import type { TraceEnd } from './trace.ts'

export interface EndingReport {
  /** One line (`syntax error at x.js:2:5: …`), absent when all went well. */
  message?: string
  /** Lines to show before the message: node's excerpt for a syntax error, its report for an exception. */
  detail: string[]
  exitCode: number
}

/** `shown` is the file as the user named it. */
export function describeEnd(end: TraceEnd, shown: string): EndingReport {
  switch (end.status) {
    case 'ok':
      return { detail: [], exitCode: 0 }
    case 'exited':
      return { message: end.signal ? `${shown} was killed by ${end.signal}` : undefined, detail: [], exitCode: end.exitCode }
    case 'uncaught': {
      const s = end.syntax
      if (s) return { message: `syntax error at ${shown}:${s.line}:${s.column}: ${s.message}`, detail: [`${shown}:${s.line}`, ...s.excerpt], exitCode: 1 }
      return { detail: [end.report], exitCode: end.exitCode }
    }
    case 'timeout':
      return { message: `killed after ${seconds(end.timeoutMs)} (the code never finished)`, detail: [], exitCode: 1 }
    case 'capped':
      return { message: `${end.what === 'output' ? 'output' : 'trace'} capped at ${end.detail}: the program was stopped`, detail: [], exitCode: 1 }
    case 'aborted':
      return { message: 'interrupted', detail: [], exitCode: 130 }
  }
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`
}
