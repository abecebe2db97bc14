// Copies are written under a temporary name in the destination directory and renamed into place.
// The name is recognisable, so a run that was killed leaves files the next run finds and removes.
const TEMP_NAME = /^\.fsh-sync-[0-9a-f]{12}\.tmp$/

// A random part per process and a counter: unique among concurrent runs without drawing random
// bytes for every file. Math.random, not node:crypto: loading crypto costs a one-line sync
// milliseconds, and the odds of two runs meeting are the same 1 in 2^24 either way.
const prefix = Math.floor(Math.random() * 0x1000000).toString(16).padStart(6, '0')
let counter = 0

export const tempName = (): string => `.fsh-sync-${prefix}${(counter++ & 0xffffff).toString(16).padStart(6, '0')}.tmp`

/** Is this entry name (latin1 key component) one of our temporary files? */
export const isTempName = (name: string): boolean => name.length === 26 && TEMP_NAME.test(name)
