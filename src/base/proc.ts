// What /proc says about a process group: its members, their memory and CPU, and a process's start
// time (which tells a live pid from a reused one). Linux only; elsewhere the answers are empty.
import { readdirSync, readFileSync } from 'node:fs'

interface Stat { pid: number; state: string; pgrp: number; utime: number; stime: number; starttime: number; rssPages: number }

const PAGE = 4096
/** USER_HZ: clock ticks per second in /proc's CPU fields (100 on every Linux build that matters). */
const TICKS = 100

function readStat(pid: number): Stat | undefined {
  let text: string
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'latin1')
  } catch {
    return undefined
  }
  // The command name is in parentheses and may hold anything, spaces and `)` included.
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ')
  return { pid, state: f[0]!, pgrp: Number(f[2]), utime: Number(f[11]), stime: Number(f[12]), starttime: Number(f[19]), rssPages: Number(f[21]) }
}

/** The process's start time in clock ticks since boot, or undefined when it is gone or a zombie. */
export function startTime(pid: number): number | undefined {
  const s = readStat(pid)
  return s && s.state !== 'Z' ? s.starttime : undefined
}

/** The process's start time even when it has already exited and waits to be reaped: what tells
 *  the child we started from a process given its number later. */
export const startTimeOf = (pid: number): number | undefined => readStat(pid)?.starttime

/** Live (not zombie) members of process group `pgid`. */
export function groupMembers(pgid: number): Stat[] {
  let names: string[]
  try {
    names = readdirSync('/proc')
  } catch {
    return []
  }
  const out: Stat[] = []
  for (const n of names) {
    if (n.charCodeAt(0) > 57) continue // not a pid
    const s = readStat(Number(n))
    if (s && s.pgrp === pgid && s.state !== 'Z') out.push(s)
  }
  return out
}

export interface GroupUsage { processes: number; rssBytes: number; cpuSeconds: number }

export function groupUsage(pgid: number): GroupUsage {
  const members = groupMembers(pgid)
  return {
    processes: members.length,
    rssBytes: members.reduce((n, s) => n + s.rssPages * PAGE, 0),
    cpuSeconds: members.reduce((n, s) => n + (s.utime + s.stime) / TICKS, 0),
  }
}

/** Signals every process of the group; false when none is left to signal. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal)
    return true
  } catch {
    return false
  }
}

/** Whether any process of the group still runs (zombies waiting for a reaper do not count). */
export const groupAlive = (pgid: number): boolean => signalGroup(pgid, 0 as unknown as NodeJS.Signals) && groupMembers(pgid).length > 0
