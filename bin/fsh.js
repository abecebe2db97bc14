#!/usr/bin/env node
// Kept tiny: all work happens in the built CLI, loaded on demand. A SIGINT, SIGTERM or SIGHUP that comes
// while it loads is held for it: the default action would end fsh with no exit status and leave
// nothing to stop what it starts.
const held = []
const hold = sig => { held.push(sig) }
process.on('SIGINT', hold).on('SIGTERM', hold).on('SIGHUP', hold)
const release = () => { process.off('SIGINT', hold).off('SIGTERM', hold).off('SIGHUP', hold) }
import('../dist/cli.js').then(m => m.main(process.argv.slice(2), { held, release }))
