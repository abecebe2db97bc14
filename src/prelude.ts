// Everything a command needs, in one import: the definition and its context, values and records,
// the input stream, errors, units. The built-in commands import from here, and so can a program
// that writes its own (`import { defineCommand } from 'fsh/prelude'`).
export * from './runtime/command.ts'
export * from './runtime/errors.ts'
export * from './runtime/stream.ts'
export * from './runtime/units.ts'
export * from './runtime/values.ts'
