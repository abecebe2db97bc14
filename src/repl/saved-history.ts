// The REPL's history kept in the shared store (HistoryStore: atomic appends, locked compaction):
// every line saved when it has run, with its exit status — or, when it runs for long, saved while it
// runs (without one), so that closing the terminal on it loses nothing; the saved lines of every
// session loaded at start, and again when another shell has added to the file since.
import { statSync } from 'node:fs'
import { stat } from 'node:fs/promises'
import type { HistoryStore } from '../state/history.ts'
import { HistoryNav, type Recalled } from './history-nav.ts'

/** A line still running after this long is saved without waiting for its exit status. */
const SAVE_RUNNING_AFTER_MS = 3000

export class SavedHistory {
  readonly nav = new HistoryNav()
  /** False until the first load has finished. */
  loaded: boolean
  private saving: Promise<void> = Promise.resolve()
  /**
   * The size the file has if nobody else wrote: its size when we last read it plus the bytes we
   * appended since. Any other size means another shell wrote (or compacted) and we read it again.
   */
  private size: number | undefined
  /**
   * Lines of this session still on their way to the file: a load puts them after what it read, so
   * they stay the newest even when the file has the same text further back.
   */
  private unsaved: Recalled[] = []
  private warned = false

  constructor(
    private readonly store: HistoryStore | undefined,
    private readonly cwd: () => string,
    private readonly warn: (message: string) => void,
    private readonly saveRunningAfterMs = SAVE_RUNNING_AFTER_MS,
  ) {
    this.loaded = !store
  }

  /**
   * A line is about to run: recalled from now on, unless it starts with a space. Call the function
   * returned with its exit status when it has run: then it is saved (unless it repeats the last).
   */
  remember(line: string): (exit: number) => void {
    if (!line.trim() || line.startsWith(' ')) return () => {}
    const all = this.nav.all()
    const repeat = all[all.length - 1] === line
    const cwd = this.cwd()
    this.nav.add(line, cwd)
    const store = this.store
    if (repeat || !store) return () => {}
    const ts = Date.now()
    const pending = { cmd: line, cwd }
    this.unsaved.push(pending)
    let saved = false
    const save = (exit?: number) => {
      if (saved) return
      saved = true
      clearTimeout(timer)
      this.saving = this.saving.then(async () => {
        const added = await store.add({ cmd: line, ts, cwd, exit })
        if (this.size !== undefined) this.size += added
        this.unsaved.splice(this.unsaved.indexOf(pending), 1)
      }).catch(e => this.problem(e))
    }
    const timer = setTimeout(save, this.saveRunningAfterMs)
    timer.unref()
    return exit => save(exit)
  }

  /** Resolves when the lines remembered so far are saved (or failed to be). */
  settled(): Promise<void> {
    return this.saving
  }

  async load(): Promise<void> {
    try {
      if (this.store) await this.read(this.store)
    } finally {
      this.loaded = true
    }
  }

  /** Whether the file has changed since we last looked (not asked in the middle of a recall). */
  changed(): boolean {
    if (!this.store || this.nav.navigating) return false
    try {
      return statSync(this.store.file).size !== this.size
    } catch {
      return this.size !== 0
    }
  }

  /** Reloads when another shell added lines since we last looked (not in the middle of a recall). */
  async sync(): Promise<void> {
    const store = this.store
    if (!store || this.nav.navigating) return
    await this.saving
    const size = await sizeOf(store.file)
    if ((size ?? 0) !== this.size) await this.read(store)
  }

  private async read(store: HistoryStore): Promise<void> {
    try {
      // The size before reading: a line appended while we read makes the next look read again.
      const size = await sizeOf(store.file)
      const entries = await store.load()
      this.size = size ?? 0
      // A line saved while we read may be in both: the later copy is the one kept.
      this.nav.replace([...entries, ...this.unsaved])
    } catch (e) {
      this.problem(e)
    }
  }

  private problem(e: unknown): void {
    if (this.warned) return
    this.warned = true
    this.warn(`fsh: history: ${e instanceof Error ? e.message : String(e)}\n`)
  }
}

async function sizeOf(file: string): Promise<number | undefined> {
  return (await stat(file).catch(() => undefined))?.size
}
