// One serve process: opens the stores, builds the service and puts it on the port; stop() closes
// all of it in order (stop accepting, finish in-flight, end event streams, close the databases).
import type { RequestLog } from '../../src/http/app.ts'
import { listen } from '../../src/http/server.ts'
import { FshError } from '../../src/prelude.ts'
import { openJobStore } from '../../src/queue/open.ts'
import type { JobStore } from '../../src/queue/store.ts'
import type { FlowStore } from '../../src/flow/store.ts'
import { openFlowStore } from '../../src/flow/open.ts'
import { NoteStore } from './notes-store.ts'
import type { ServeConfig } from './options.ts'
import { Service } from './service.ts'

export interface RunningServer {
  url: string
  service: Service
  /** Idempotent; resolves once everything is closed. */
  stop(): Promise<void>
}

export interface ServerHooks {
  onLog(record: RequestLog): void
  onError(err: unknown): void
  gauges?: () => Record<string, { help: string; value: number }>
}

export async function startServer(cfg: ServeConfig, stateDir: string, hooks: ServerHooks): Promise<RunningServer> {
  const notes = new NoteStore(cfg.db)
  let jobs: JobStore | undefined
  let flows: FlowStore | undefined
  try {
    jobs = cfg.queue ? await openJobStore(cfg.queueDb, stateDir) : undefined
    flows = cfg.flowDb ? await openFlowStore(cfg.flowDb, stateDir) : undefined
  } catch (err) {
    notes.close()
    jobs?.close()
    throw err
  }
  const service = new Service({
    notes, jobs, flows, staticDir: cfg.staticDir, token: cfg.token, cors: cfg.cors, rateLimit: cfg.rateLimit,
    maxBody: cfg.maxBody, maxInflight: cfg.maxInflight, onLog: hooks.onLog, onError: hooks.onError, gauges: hooks.gauges,
  })
  const closeStores = async (): Promise<void> => {
    service.stop()
    notes.close()
    await jobs?.close()
    await flows?.close()
  }
  let listening
  try {
    listening = await listen(service.app, { port: cfg.port, host: cfg.host })
  } catch (err) {
    await closeStores()
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'EADDRINUSE') throw new FshError(1, `port ${cfg.port} on ${cfg.host} is in use (another server?); pick another with --port`)
    if (code === 'EACCES') throw new FshError(1, `not allowed to listen on port ${cfg.port} (ports below 1024 need privileges)`)
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new FshError(1, `cannot listen on ${cfg.host}: no such local address`)
    throw err
  }
  let stopping: Promise<void> | undefined
  return {
    url: listening.url,
    service,
    stop: () => (stopping ??= (async () => {
      service.stop()
      await listening.close(cfg.graceMs)
      await closeStores()
    })()),
  }
}
