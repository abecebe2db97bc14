// Everything a command needs, in one import: the definition and its context, values and records,
// the input stream, errors, units. The built-in commands import from here, and so can a program
// that writes its own (`import { defineCommand } from 'fsh/prelude'`).
export * from './runtime/command.ts'
export * from './base/errors.ts'
export * from './runtime/stream.ts'
export type { RawOut } from './runtime/raw-out.ts'
export * from './base/units.ts'
export * from './base/values.ts'
export { fshLauncher } from './base/launcher.ts'
