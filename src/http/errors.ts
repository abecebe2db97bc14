// An HTTP error a handler throws: the status, a stable code clients can branch on, a message for
// people, and optional details (which fields failed validation) and headers (Allow, Retry-After).

export class HttpError extends Error {
  static { Object.defineProperty(this, 'name', { value: 'HttpError' }) }
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message)
  }
}

/** One field that failed validation, with a stable code (required, type, too_long, unknown_field, invalid). */
export interface FieldProblem { field: string; code: string; message: string }

export const validationFailed = (problems: FieldProblem[]): HttpError =>
  new HttpError(400, 'validation_failed', problems.map(p => `${p.field}: ${p.message}`).join('; '), problems)

export const notFound = (what: string): HttpError => new HttpError(404, 'not_found', `${what} not found`)
