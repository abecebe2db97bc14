// What a client may send for a note, checked field by field with stable codes: required, type,
// too_short, too_long, too_many, invalid, unknown_field (and not_an_object for the body itself).
import { type FieldProblem, validationFailed } from '../../src/http/errors.ts'
import type { NewNote } from './notes-store.ts'

export const LIMITS = { title: 200, body: 100_000, tags: 20, tag: 50 } as const
const FIELDS = new Set(['title', 'body', 'tags'])
const TAG = /^[\p{L}\p{N}_.:-]+$/u

/** A new note: title and body required, tags optional. */
export function newNote(input: unknown): NewNote {
  const { note, problems } = check(input, true)
  if (problems.length) throw validationFailed(problems)
  return { title: note.title!, body: note.body!, tags: note.tags ?? [] }
}

/** A change: any of the fields, at least one. */
export function notePatch(input: unknown): Partial<NewNote> {
  const { note, problems } = check(input, false)
  if (!problems.length && Object.keys(note).length === 0) problems.push({ field: '', code: 'required', message: 'give at least one of title, body, tags' })
  if (problems.length) throw validationFailed(problems)
  return note
}

function check(input: unknown, whole: boolean): { note: Partial<NewNote>; problems: FieldProblem[] } {
  const problems: FieldProblem[] = []
  const note: Partial<NewNote> = {}
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { note, problems: [{ field: '', code: 'not_an_object', message: 'the body must be a JSON object' }] }
  }
  const rec = input as Record<string, unknown>
  for (const k of Object.keys(rec)) if (!FIELDS.has(k)) problems.push({ field: k, code: 'unknown_field', message: 'is not a field of a note (title, body, tags)' })
  for (const field of ['title', 'body'] as const) {
    if (!Object.hasOwn(rec, field)) {
      if (whole) problems.push({ field, code: 'required', message: 'is required' })
      continue
    }
    const v = rec[field]
    if (typeof v !== 'string') problems.push({ field, code: 'type', message: 'must be a string' })
    else if (field === 'title' && v.trim() === '') problems.push({ field, code: 'too_short', message: 'must not be empty' })
    else if (v.length > LIMITS[field]) problems.push({ field, code: 'too_long', message: `must be at most ${LIMITS[field]} characters` })
    else note[field] = v
  }
  if (Object.hasOwn(rec, 'tags')) {
    const tags = rec.tags
    if (!Array.isArray(tags) || tags.some(t => typeof t !== 'string')) problems.push({ field: 'tags', code: 'type', message: 'must be a list of strings' })
    else if (tags.length > LIMITS.tags) problems.push({ field: 'tags', code: 'too_many', message: `at most ${LIMITS.tags} tags` })
    else if (tags.some(t => t.length > LIMITS.tag || !TAG.test(t))) problems.push({ field: 'tags', code: 'invalid', message: `a tag is 1 to ${LIMITS.tag} letters, digits and _ . : -` })
    else note.tags = [...new Set(tags as string[])]
  }
  return { note, problems }
}
