// What the `pilot` subcommands share: reaching the daemon of this shell's state dir, the NAME
// argument, and the rows the daemon answers with.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Socket } from 'node:net'
import { batch, type Batch, type Ctx, type Rec } from '../../src/prelude.ts'
import { connectDaemon, pilotDir, request } from '../../src/pilot/client.ts'
import { DB_NAME } from '../../src/pilot/daemon.ts'

export const nameArg = { name: 'name', type: 'string', describe: 'the program (NAME alone also means all its instances NAME:0, NAME:1 …)' } as const

export const dirOf = (ctx: Ctx<any, any>): string => pilotDir(ctx.shell.home.state)

/** A connection to the daemon. It is started when `always`, or when it has state to come back to
 *  (it was killed: starting it adopts or reports its children). Undefined when none is needed. */
export async function daemon(ctx: Ctx<any, any>, always: boolean): Promise<Socket | undefined> {
  const dir = dirOf(ctx)
  return connectDaemon(dir, { ...ctx.env }, always || existsSync(join(dir, DB_NAME)))
}

/** Sends one request to the daemon (starting it if it has state) and returns the rows it answers,
 *  as a stream of records. */
export async function requestRows(ctx: Ctx<any, any>, req: Record<string, unknown>, always = false): Promise<Batch> {
  const sock = await daemon(ctx, always)
  if (!sock) {
    if (typeof req.name === 'string') ctx.fail(`no program named ${req.name} (pilot ls lists them)`)
    return batch([])
  }
  const reply = await request(sock, req, ctx.signal)
  return batch((reply.rows as Rec[] | undefined) ?? [])
}
