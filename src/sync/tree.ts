// What a walk of one tree yields. Paths inside a tree are keys: the name bytes of each component,
// joined with '/', held as a latin1 string (one char per byte). That round-trips any name exactly
// (invalid UTF-8, newlines), sorts bytewise and is cheap to join; `shownPath` is for people.
import { fileName } from '../base/file-names.ts'

export type EntryType = 'file' | 'dir' | 'link' | 'other'

export interface Entry {
  type: EntryType
  size: number
  mtimeMs: number
  /** Permission bits (with setuid, setgid, sticky). */
  mode: number
  /** A symlink's target, as bytes in latin1 like the keys. Walks give every entry the field
   *  (undefined but for symlinks): entries of one shape keep the planner's compiled code valid. */
  target?: string
  /** Set by --checksum on both files of a pair: equal exactly when their contents are. */
  hash?: string
}

/** Relative key → entry, for everything under the walked root (the root itself not included). */
export type Tree = Map<string, Entry>

/** A problem met while walking: the key it concerns ('' for the root) and why. */
export interface WalkError { path: string; reason: string }

/** The absolute path of a key under a root, as bytes (a Buffer path reaches any name). */
export function fullPath(root: string, key: string): Buffer {
  if (!key) return Buffer.from(root)
  return Buffer.concat([Buffer.from(root.endsWith('/') ? root : root + '/'), Buffer.from(key, 'latin1')])
}

export const joinKey = (dir: string, name: string): string => (dir ? dir + '/' + name : name)

export const parentKey = (key: string): string => {
  const i = key.lastIndexOf('/')
  return i < 0 ? '' : key.slice(0, i)
}

export const depthOf = (key: string): number => {
  let n = 0
  for (let i = 0; i < key.length; i++) if (key.charCodeAt(i) === 47) n++
  return n
}

/** A key as a person reads it: UTF-8, with stray bytes as \xHH. */
export const shownPath = (key: string): string => fileName(Buffer.from(key, 'latin1')).text
