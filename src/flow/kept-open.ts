// Databases a worker keeps open from one step to the next: opening SQLite (file, pragmas,
// migrations check) for every step costs more than a short step. A `--local` run closes its own
// when it ends; a `queue work` process keeps them for its life.
const open = new Map<string, { close(): unknown }>()

export function keptOpen<T extends { close(): unknown }>(key: string, make: () => T): T {
  let handle = open.get(key) as T | undefined
  if (!handle) open.set(key, handle = make())
  return handle
}

export function closeKept(...keys: string[]): void {
  for (const k of keys) {
    try { void Promise.resolve(open.get(k)?.close()).catch(() => {}) } catch { /* closed already */ }
    open.delete(k)
  }
}
