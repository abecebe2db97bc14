// Databases a worker keeps open from one step to the next: opening one (a SQLite file, pragmas and
// migrations check; a PostgreSQL pool) for every step costs more than a short step. A `--local`
// run closes its own when it ends; a `queue work` process keeps them for its life.
const open = new Map<string, Promise<{ close(): unknown }>>()

export function keptOpen<T extends { close(): unknown }>(key: string, make: () => T | Promise<T>): Promise<T> {
  let handle = open.get(key) as Promise<T> | undefined
  if (!handle) {
    open.set(key, handle = Promise.resolve().then(make))
    // One that failed to open is tried again next time.
    handle.catch(() => { if (open.get(key) === handle) open.delete(key) })
  }
  return handle
}

export function closeKept(...keys: string[]): void {
  for (const k of keys) {
    open.get(k)?.then(h => h.close()).catch(() => {})
    open.delete(k)
  }
}
