// Errors and exit codes: a leaf module that lang, state and runtime all import.
// One error type for everything a user sees: an exit code, a one-line message, an optional hint.

export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  notExecutable: 126,
  notFound: 127,
  interrupted: 130,
} as const

export class FshError extends Error {
  // The bundle is minified: the class keeps its name for Node's printing all the same.
  static { Object.defineProperty(this, 'name', { value: 'FshError' }) }
  /** The text of the command line the error is about (a flag, a command's name), to point at. */
  about?: string
  /** A near name to suggest ("did you mean `touch`?"). */
  near?: string
  constructor(
    readonly code: number,
    message: string,
    readonly hint?: string,
  ) {
    super(message)
    this.name = 'FshError'
  }
}

export const usageError = (cmd: string, message: string): FshError =>
  new FshError(EXIT.usage, message, `fsh help ${cmd}`)

/** True for the error raised when a pipeline is stopped by Ctrl-C or an AbortSignal. */
export function isAbort(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || (err as { code?: string }).code === 'ABORT_ERR')
}

/** True when a write failed because the reader went away (`| head`): not an error of the writer. */
export function isBrokenPipe(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code
  return code === 'EPIPE' || code === 'ECONNRESET' || code === 'ERR_STREAM_DESTROYED' || code === 'ERR_STREAM_PREMATURE_CLOSE'
}

/** `fsh: CMD: message` (+ `hint: ...`), the one shape every error takes on stderr. */
export function formatError(err: unknown, cmd?: string): string {
  const prefix = cmd ? `fsh: ${cmd}: ` : 'fsh: '
  if (err instanceof FshError) {
    const head = err.message.startsWith('fsh: ') ? err.message : prefix + err.message
    return err.hint ? `${head}\nhint: ${err.hint}` : head
  }
  const e = err as { message?: string; code?: string }
  const msg = e?.message ?? String(err)
  return prefix + msg
}

export function exitCodeOf(err: unknown): number {
  if (err instanceof FshError) return err.code
  if (isAbort(err)) return EXIT.interrupted
  return EXIT.failure
}
