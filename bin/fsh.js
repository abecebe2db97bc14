#!/usr/bin/env node
// Kept tiny: all work happens in the built CLI, loaded on demand.
import('../dist/cli.js').then(m => m.main(process.argv.slice(2)))
