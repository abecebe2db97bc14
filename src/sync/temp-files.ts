// Copies are written under a temporary name in the destination directory and renamed into place.
// The name is recognisable, so a run that was killed leaves files the next run finds and removes.
import { randomBytes } from 'node:crypto'

const TEMP_NAME = /^\.fsh-sync-[0-9a-f]{12}\.tmp$/

export const tempName = (): string => `.fsh-sync-${randomBytes(6).toString('hex')}.tmp`

/** Is this entry name (latin1 key component) one of our temporary files? */
export const isTempName = (name: string): boolean => name.length === 26 && TEMP_NAME.test(name)
