// The REPL's state and what each key does to it, apart from any terminal: the line being edited,
// history recall and search, the completion menu, the command running, its progress and output.
// The Ink view renders snapshots of it; the terminal layer feeds it keys and gives it a Terminal.
import { EXIT } from '../base/errors.ts'
import type { ReplView, ViewRequest } from '../runtime/command.ts'
import type { IO } from '../runtime/scope.ts'
import type { Shell } from '../runtime/shell.ts'
import { stoppedChildren, type Job } from '../runtime/jobs.ts'
import type { HistoryStore } from '../state/history.ts'
import { applyCandidate, commonPrefix, complete, type Candidate, type Completion, type CompletionSource } from './complete.ts'
import { layoutEditor, type Prefix } from './editor-layout.ts'
import { menuColumnStep } from './menu.ts'
import { highlight, type Segment } from './highlight.ts'
import type { HistoryMatch } from './history-nav.ts'
import type { KeyEvent, KeyPress } from './keys.ts'
import { LineBuffer } from './line-buffer.ts'
import { isHelp, runMeta, viewName, type ReplViews } from './meta.ts'
import { SavedHistory } from './saved-history.ts'
import { needsTerminal } from './needs-terminal.ts'
import { ProgressBoard, type ProgressEntry } from './progress-board.ts'
import { codePrompt, continuationPrompt, renderPrompt } from './prompt.ts'
import { abbreviationAt, CONFIG_LIMIT_MS, directive, expandAliases, runConfig, runPrompts, type Directive } from './config.ts'
import { DEFAULT_KEYS, keyName, listActions, type EditorAction } from './keymap.ts'
import { ScreenOut } from './screen-out.ts'
import { completionTail, firstWord, historyTail, shownTail } from './suggest.ts'
import type { EarlyRun } from './early-lines.ts'
import { ShellKnowledge } from './shell-knowledge.ts'
import { isMeta, PARSE_AS_YOU_TYPE_CHARS, sourceStatus } from './source-status.ts'
import type { Theme } from './theme.ts'
import { ViKeys } from './vi.ts'
import { HELD_KEYS_CAP, TYPED_AHEAD_CAP } from '../base/limits.ts'

/** What the session needs from the terminal it runs in. */
export interface Terminal {
  /** Output that stays, above the live area. */
  write(chunk: Uint8Array | string): void
  /** Gives the terminal to the programs of a line (cooked mode, live area put away)... */
  release(): Promise<void>
  /** ...and takes it back afterwards; `interrupted`: Ctrl-C ended it (no unfinished-line mark). */
  reclaim(interrupted?: boolean): Promise<void>
  clearScreen(): void
  columns(): number
  rows(): number
  /** A promise while output waits for the terminal to catch up (producers wait on it). */
  ready?(): Promise<void> | undefined
  /** Descriptors for a line that has the terminal: programs write straight to it. */
  terminalIO(): IO & { finish(): void }
}

export interface Echo { id: number; text: string }

export interface RunView {
  startedAt: number
  /** The programs of the line have the terminal: nothing is drawn meanwhile. */
  terminal: boolean
  stopping: boolean
  /** The unfinished last line of output. */
  partial: string
  rows: number
}

export interface ViewState {
  /** `exit`: ended, the last prompt stays on screen; `gone`: ended, nothing more to draw. */
  phase: 'edit' | 'run' | 'exit' | 'gone'
  text: string
  cursor: number
  segments: Segment[]
  prompt: Prefix
  /** The user's `def right_prompt`, drawn at the right end of the first row when it fits. */
  rightPrompt?: Prefix
  cont: Prefix
  columns: number
  rows: number
  menu?: { candidates: Candidate[]; selected: number }
  /** Ctrl-R: the query, the matching lines (newest first) and the one chosen. */
  search?: { query: string; failed: boolean; matches: readonly HistoryMatch[]; selected: number }
  /** One dim line under the editor: a syntax error, "no completions", how to finish `:loop`'s code. */
  hint?: string
  run?: RunView
  queued: readonly string[]
  progress: readonly ProgressEntry[]
  /** Lines commands keep up to date while they run (`ctx.live`): a pipeline's steps. */
  live: readonly string[]
  echoes: readonly Echo[]
  /** Changes when the list of echoes starts again: <Static> must start again with it. */
  echoGeneration: number
  now: number
}

export interface SessionOptions {
  shell: Shell
  terminal: Terminal
  theme: Theme
  history?: HistoryStore
  now?: () => number
}

/** Lines of a submitted command shown above the prompt; the rest is counted. */
const ECHO_MAX_ROWS = 30
/** Echoes kept for <Static>: they are on screen already, the list restarts past this. */
const ECHO_KEEP = 100
const TICK_MS = 100
/** Ctrl-R lists at most this many matches; PageUp/PageDown move by SEARCH_PAGE. */
const SEARCH_MATCHES_MAX = 500
const SEARCH_PAGE = 8

export class ReplSession {
  readonly saved: SavedHistory
  readonly knowledge: ShellKnowledge
  readonly exited: Promise<number>
  private readonly editor = new LineBuffer()
  private readonly source: CompletionSource
  private readonly board: ProgressBoard
  private readonly now: () => number
  private readonly listeners = new Set<() => void>()
  private snapshot!: ViewState
  private echoes: Echo[] = []
  private echoGeneration = 0
  private echoId = 0
  private hint: string | undefined
  private menu: { completion: Completion; base: { text: string; cursor: number }; selected: number } | undefined
  private search: { query: string; matches: HistoryMatch[]; selected: number; original: { text: string; cursor: number }; failed: boolean } | undefined
  private completing = 0
  private run: RunView | undefined
  /** The line that runs, or was entered and waits to start: Ctrl-C aborts it. */
  private controller: AbortController | undefined
  /** While a line has the terminal: Ctrl-Z stopped its programs (their pids), it becomes a job. */
  private suspended: ((pids: number[]) => void) | undefined
  private out: ScreenOut | undefined
  private queue: string[] = []
  /** Lines are being run (execute() has not returned): another Enter queues its line. */
  private executing = false
  private ticker: NodeJS.Timeout | undefined
  private lastMs: number | undefined
  private resolveExit!: (code: number) => void
  private done = false
  /** Ctrl-D leaves the last prompt on screen; `exit` (echoed already) leaves nothing more. */
  private leavePrompt = false
  /** The view whose code is being typed (`:loop` without a file). */
  private codeFor: { name: string; view: ReplView } | undefined
  private lexCache: { text: string; segments: Segment[]; hint?: string } | undefined
  private commitWaiters: (() => void)[] = []
  /** Keys that came after a history key while the history was still loading. */
  private heldKeys: KeyEvent[] | undefined
  /** True while keys held for a history sync are handled: they need no second one. */
  private synced = false
  /** The autosuggestion: what would follow `text` (drawn after the cursor when it is at the end). */
  private suggestion: { text: string; version: number; tail: string | undefined } | undefined
  private suggesting = 0
  /** From config.fsh or typed: `alias` (replaced when a line runs) and `abbr` (replaced as you type). */
  private readonly aliases = new Map<string, string>()
  private readonly abbrs = new Map<string, string>()
  /** `bind KEY ACTION`: keys (as `ctrl-alt-x`) that do an editor action instead of what they usually do. */
  private readonly bindings = new Map<string, EditorAction>()
  /** `bind --vi`: vi's insert and normal modes; undefined: the usual keys. */
  private vi: ViKeys | undefined
  /** Resolves when config.fsh has run: a line typed before waits for it. */
  private configured: Promise<void> | undefined
  /** What the user's `def prompt` / `def right_prompt` printed last; undefined: the built-in prompt. */
  private prompts: { left?: Prefix; right?: Prefix } = {}
  /** A broken prompt function is reported once, until it works again. */
  private promptFailed = false

  constructor(private readonly opts: SessionOptions) {
    this.now = opts.now ?? Date.now
    this.knowledge = new ShellKnowledge(opts.shell)
    this.source = this.knowledge.completionSource()
    this.board = new ProgressBoard(() => this.emit(), this.now)
    this.exited = new Promise(resolve => { this.resolveExit = resolve })
    this.saved = new SavedHistory(opts.history, () => opts.shell.cwd, text => opts.terminal.write(text))
    this.emit()
  }

  /** The lines to recall. */
  get history() { return this.saved.nav }

  // ---------------------------------------------------------------- store for the view

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn)
    return () => { this.listeners.delete(fn) }
  }

  getSnapshot = (): ViewState => this.snapshot

  private emit(): void {
    const text = this.editor.text
    if (this.lexCache?.text !== text) this.lexCache = { text, ...this.colour(text) }
    const sh = this.opts.shell
    const theme = this.opts.theme
    const tail = this.suggested()
    this.snapshot = {
      phase: this.done ? (this.leavePrompt ? 'exit' : 'gone') : this.run ? 'run' : 'edit',
      text,
      cursor: this.editor.cursor,
      segments: tail ? [...this.lexCache.segments, { text: shownTail(tail), style: 'suggestion' }] : this.lexCache.segments,
      prompt: this.codeFor?.view.code ? codePrompt(this.codeFor.view.code.prompt, theme) : this.modeMark(this.prompts.left ?? renderPrompt({ cwd: sh.cwd, home: sh.homeDir, lastExit: sh.lastExit, lastMs: this.lastMs, columns: this.opts.terminal.columns() }, theme)),
      rightPrompt: this.codeFor ? undefined : this.prompts.right,
      cont: continuationPrompt(theme),
      columns: this.opts.terminal.columns(),
      rows: this.opts.terminal.rows(),
      menu: this.menu && { candidates: this.menu.completion.candidates, selected: this.menu.selected },
      search: this.search && { query: this.search.query, failed: this.search.failed, matches: this.search.matches, selected: this.search.selected },
      hint: this.hint ?? this.codeFor?.view.code?.hint ?? this.lexCache.hint,
      run: this.run && { ...this.run, rows: this.out?.rows ?? 0 },
      queued: [...this.queue],
      progress: this.board.list().map(e => ({ ...e })),
      live: this.run ? this.board.liveLines() : [],
      echoes: this.echoes,
      echoGeneration: this.echoGeneration,
      now: this.now(),
    }
    for (const fn of this.listeners) fn()
  }

  /** In vi mode the prompt starts with the mode, as fish's does: `[I]` insert, `[N]` normal. */
  private modeMark(prompt: Prefix): Prefix {
    if (!this.vi) return prompt
    const mark = this.vi.mode === 'normal' ? '[N] ' : '[I] '
    return { text: this.opts.theme.style('keyword', mark) + prompt.text, width: prompt.width + mark.length }
  }

  /** The suggestion for the text as it is now, looked up when the text changed; none mid-line or in a menu. */
  private suggested(): string | undefined {
    const b = this.editor
    if (this.done || !this.opts.theme.attributes || this.codeFor || this.menu || this.search || this.history.navigating) return undefined
    if (b.cursor !== b.text.length || !b.text.trim()) return undefined
    if (this.suggestion?.text !== b.text || this.suggestion.version !== this.history.version) {
      const text = b.text
      this.suggestion = { text, version: this.history.version, tail: historyTail(this.history, text, this.opts.shell.cwd) }
      if (this.suggestion.tail === undefined) {
        const seq = ++this.suggesting
        // Completion may read folders: its answer comes later, and only counts if nothing changed.
        void completionTail(text, this.source).catch(() => undefined).then(tail => {
          if (tail === undefined || seq !== this.suggesting || this.suggestion?.text !== text) return
          this.suggestion.tail = tail
          this.emit()
        })
      }
    }
    return this.suggestion.tail
  }

  /** → / End / Ctrl-E / Ctrl-F at the end with a suggestion: take it (`word`: only its next word). */
  private acceptSuggestion(word: boolean): boolean {
    const b = this.editor
    if (b.cursor !== b.text.length) return false
    const tail = this.suggested()
    if (!tail) return false
    b.insert(word ? firstWord(tail) : tail)
    this.edited()
    return true
  }

  private colour(text: string): { segments: Segment[]; hint?: string } {
    if (this.codeFor) return { segments: [{ text, style: 'plain' }] }
    if (isMeta(text)) return { segments: [{ text, style: 'keyword' }] }
    const status = text.length <= PARSE_AS_YOU_TYPE_CHARS ? sourceStatus(this.opts.shell, text) : { t: 'complete' as const }
    const errorAt = status.t === 'error' ? status.at : undefined
    const segments = highlight(text, { rawNames: this.opts.shell.rawNames, known: (n, ext) => this.knowledge.known(n, ext), errorAt })
    return { segments, hint: status.t === 'error' ? status.message.replace(/^fsh: /, '') : undefined }
  }

  /** The view calls this after each commit: what <Static> had to print is printed. */
  committed = (): void => {
    const waiting = this.commitWaiters
    this.commitWaiters = []
    for (const fn of waiting) fn()
  }

  /**
   * Resolves once the view has drawn the latest state (React renders a store change a microtask
   * later): output written after it lands below the echoed line, not above it. Without a view
   * mounted, a short timeout stands in.
   */
  private drawn(): Promise<void> {
    return new Promise(resolve => {
      this.commitWaiters.push(resolve)
      setTimeout(resolve, 50).unref()
    })
  }

  /** The terminal changed size. */
  resized(): void { this.emit() }

  /** A new view is about to mount: what <Static> printed before stays printed, not again. */
  forgetEchoes(): void {
    this.echoes = []
    this.echoGeneration++
    this.emit()
  }

  // ---------------------------------------------------------------- keys

  handle(ev: KeyEvent): void {
    if (this.done) return
    if (this.heldKeys) {
      if (this.heldKeys.length < HELD_KEYS_CAP) this.heldKeys.push(ev)
      return
    }
    if (!this.saved.loaded && this.needsHistory(ev)) {
      this.heldKeys = [ev]
      return
    }
    if (this.needsHistory(ev) && !this.run && !this.synced && this.saved.changed()) {
      // Another running shell has added lines: they are read first, so ↑ recalls them at once.
      this.heldKeys = [ev]
      void this.saved.sync().finally(() => { this.synced = true; this.replayHeldKeys(); this.synced = false })
      return
    }
    if (this.search) return this.searchKey(ev)
    if (this.menu && this.menuKey(ev)) return
    if (this.codeFor && this.codeKey(ev)) return
    // A line entered and not started yet (it waits for config.fsh or for the screen) is running
    // already for the keys: a Ctrl-C typed right after its Enter stops it.
    if (this.run || this.executing) return this.runKey(ev)
    this.editKey(ev, true)
  }

  /** Keys that recall the history: they wait for it to be read. */
  private needsHistory(ev: KeyEvent): boolean {
    if (ev.t === 'text') return this.vi?.mode === 'normal' && /[jk]/.test(ev.text) // vi's ↓ ↑
    if (ev.t !== 'key') return false
    const a = this.actionOf(ev)
    return a === 'history-up' || a === 'history-down' || a === 'history-search'
  }

  private editKey(ev: KeyEvent, idle: boolean): void {
    const b = this.editor
    this.hint = undefined
    if (this.vi) {
      const r = this.vi.key(ev, { buffer: b, history: dir => this.historyKey(dir) })
      if (r === 'edited') return this.edited()
      if (r === 'moved' || r === 'none') return this.emit()
      if (r === 'submit') return this.perform('accept-line', idle)
    }
    if (ev.t === 'text') { this.type(ev.text); return this.edited() }
    if (ev.t === 'paste') {
      b.insert(ev.text)
      if (ev.truncated) this.hint = 'the paste was too long: only its first 8 MiB were kept'
      return this.edited()
    }
    const action = this.actionOf(ev)
    if (action) this.perform(action, idle)
  }

  /** What a key does: bound with `bind`, else its usual action. */
  private actionOf(k: KeyPress): EditorAction | undefined {
    const name = keyName(k)
    return this.bindings.get(name) ?? DEFAULT_KEYS.get(name)
  }

  private perform(action: EditorAction, idle: boolean): void {
    const b = this.editor
    switch (action) {
      case 'backward-char': b.left(); return this.emit()
      case 'forward-char': if (this.acceptSuggestion(false)) return; b.right(); return this.emit()
      case 'backward-word': b.wordLeft(); return this.emit()
      case 'forward-word': if (this.acceptSuggestion(true)) return; b.wordRight(); return this.emit()
      case 'line-start': b.lineStart(); return this.emit()
      case 'line-end': if (this.acceptSuggestion(false)) return; b.lineEnd(); return this.emit()
      case 'accept-suggestion': if (!this.acceptSuggestion(false)) this.emit(); return
      case 'accept-word': if (!this.acceptSuggestion(true)) this.emit(); return
      case 'backward-delete-char': b.backspace(); return this.edited()
      case 'delete-char': b.del(); return this.edited()
      case 'delete-or-exit':
        if (!b.isEmpty) { b.del(); return this.edited() }
        if (idle) { this.leavePrompt = true; return this.exit(this.opts.shell.lastExit) }
        return
      case 'kill-line': b.killToEnd(); return this.edited()
      case 'backward-kill-line': b.killToStart(); return this.edited()
      case 'backward-kill-bigword': b.killBigWordBack(); return this.edited()
      case 'kill-word': b.killWordForward(); return this.edited()
      case 'backward-kill-word': b.killWordBack(); return this.edited()
      case 'yank': b.yank(); return this.edited()
      // Ctrl-Z too, since at the prompt no program runs that it could stop.
      case 'undo': b.undo(); return this.edited()
      case 'history-up': return this.historyKey('up')
      case 'history-down': return this.historyKey('down')
      case 'history-search': return this.startSearch()
      case 'complete': void this.startCompletion(); return
      case 'clear-screen': this.opts.terminal.clearScreen(); return this.emit()
      case 'cancel': return idle ? this.cancelLine() : this.stop()
      case 'accept-line':
        this.expandAbbreviation()
        return idle ? this.submit() : this.enqueue()
      case 'newline': b.insert('\n'); return this.edited()
      case 'nothing': return this.emit()
    }
  }

  /** Typed text; a space after an abbreviation in command position replaces it first. */
  private type(text: string): void {
    if (!this.abbrs.size) return this.editor.insert(text)
    for (const part of text.split(/( )/)) {
      if (part === ' ') this.expandAbbreviation()
      this.editor.insert(part)
    }
  }

  private expandAbbreviation(): void {
    const b = this.editor
    const a = abbreviationAt(b.text, b.cursor, this.abbrs, this.source)
    if (!a) return
    b.set(b.text.slice(0, a.start) + a.text + b.text.slice(a.end), a.start + a.text.length)
  }

  private edited(): void {
    this.history.reset()
    this.emit()
  }

  private historyKey(dir: 'up' | 'down'): void {
    const b = this.editor
    if (!this.history.navigating && (dir === 'up' ? b.up() : b.down())) return this.emit()
    const line = dir === 'up' ? this.history.older(b.text) : this.history.newer()
    if (line !== undefined) b.set(line)
    this.emit()
  }

  private cancelLine(): void {
    this.echo(this.editor.text, this.opts.theme.dim('^C'))
    this.editor.set('')
    this.vi?.reset()
    this.history.reset()
    this.emit()
  }

  // ---------------------------------------------------------------- completion

  private async startCompletion(): Promise<void> {
    const text = this.editor.text
    const cursor = this.editor.cursor
    const seq = ++this.completing
    let c: Completion
    try {
      c = await complete(text, cursor, this.source)
    } catch {
      return
    }
    // The line changed while we looked: this answer is stale.
    if (seq !== this.completing || this.editor.text !== text || this.editor.cursor !== cursor || this.search) return
    const cands = c.candidates
    if (!cands.length) { this.hint = 'no completions'; return this.emit() }
    if (cands.length === 1) {
      const r = applyCandidate(text, c, cands[0]!)
      this.editor.set(r.text, r.cursor)
      return this.edited()
    }
    const prefix = commonPrefix(cands)
    let base = { text, cursor }
    if (prefix.length > c.end - c.start) {
      const r = applyCandidate(text, c, { ...cands[0]!, insert: prefix, whole: false })
      this.editor.set(r.text, r.cursor)
      base = r
      c = { ...c, end: c.start + prefix.length }
    }
    this.menu = { completion: c, base, selected: -1 }
    this.emit()
  }

  /** Keys while the menu is open; false when the key closes it and should act as usual. */
  private menuKey(ev: KeyEvent): boolean {
    const m = this.menu!
    const n = m.completion.candidates.length
    const pick = (k: number) => {
      m.selected = ((k % n) + n) % n
      const r = applyCandidate(m.base.text, m.completion, m.completion.candidates[m.selected]!)
      this.editor.set(r.text, r.cursor)
      this.emit()
    }
    if (ev.t === 'key' && !ev.alt) {
      if ((ev.name === 'tab' && !ev.shift) || ev.name === 'down' || (ev.ctrl && ev.name === 'n')) { pick(m.selected + 1); return true }
      if ((ev.name === 'tab' && ev.shift) || ev.name === 'up' || (ev.ctrl && ev.name === 'p')) { pick(m.selected < 0 ? n - 1 : m.selected - 1); return true }
      const across = ev.name === 'right' ? 1 : ev.name === 'left' ? -1 : 0
      const step = across && !ev.ctrl ? menuColumnStep(m.completion.candidates, this.opts.terminal.columns()) : 0
      if (step) {
        // ← and → go across the grid's columns, as the menu shows it; past its edge, no move.
        const k = m.selected < 0 ? 0 : m.selected + across * step
        if (k >= 0 && k < n) pick(k)
        return true
      }
      if (ev.name === 'enter' && !ev.ctrl) { this.menu = undefined; this.edited(); return true }
      if (ev.name === 'escape' || (ev.ctrl && (ev.name === 'g' || ev.name === 'c'))) {
        this.editor.set(m.base.text, m.base.cursor)
        this.menu = undefined
        this.emit()
        return true
      }
    }
    this.menu = undefined
    return false
  }

  // ---------------------------------------------------------------- history search

  private startSearch(): void {
    this.menu = undefined
    this.search = { query: '', matches: [], selected: 0, original: { text: this.editor.text, cursor: this.editor.cursor }, failed: false }
    this.searchFor('')
  }

  /** The list for a new query, the newest match chosen. */
  private searchFor(query: string): void {
    const s = this.search!
    s.query = query
    s.matches = this.history.matches(query, SEARCH_MATCHES_MAX)
    s.failed = !s.matches.length && query.length > 0
    this.choose(0)
  }

  /** Moves the choice in the list; the line being edited shows it. */
  private choose(k: number): void {
    const s = this.search!
    s.selected = Math.max(0, Math.min(k, s.matches.length - 1))
    const m = s.matches[s.selected]
    if (m) this.editor.set(m.line, m.at + s.query.length)
    else this.editor.set(s.original.text, s.original.cursor)
    this.emit()
  }

  private searchKey(ev: KeyEvent): void {
    const s = this.search!
    if (ev.t === 'text' || ev.t === 'paste') return this.searchFor(s.query + ev.text.replace(/\n/g, ' '))
    const { name, ctrl } = ev
    if (name === 'up' || (ctrl && (name === 'r' || name === 'p'))) return this.choose(s.selected + 1)
    if (name === 'down' || (ctrl && (name === 's' || name === 'n'))) return this.choose(s.selected - 1)
    if (name === 'pageup') return this.choose(s.selected + SEARCH_PAGE)
    if (name === 'pagedown') return this.choose(s.selected - SEARCH_PAGE)
    if (name === 'backspace') return this.searchFor(s.query.slice(0, -1))
    if ((ctrl && (name === 'c' || name === 'g')) || name === 'escape') {
      this.editor.set(s.original.text, s.original.cursor)
      this.search = undefined
      return this.emit()
    }
    // Anything else takes the match: Enter runs it, a motion key starts editing it.
    this.search = undefined
    if (!s.matches.length) this.editor.set(s.original.text, s.original.cursor)
    if (name === 'enter') return this.run ? this.enqueue() : this.submit()
    this.emit()
    if (name !== 'tab') this.handle(ev)
  }

  // ---------------------------------------------------------------- running lines

  private submit(): void {
    // Keys typed ahead (replayed at start) may end a second line before the first has started:
    // it waits its turn.
    if (this.executing) return this.enqueue()
    const text = this.editor.text
    const status = sourceStatus(this.opts.shell, text, { enter: true })
    if (status.t === 'open') {
      this.editor.set(text + '\n')
      return this.edited()
    }
    this.echo(text)
    this.editor.set('')
    this.editor.clearUndo()
    this.vi?.reset()
    this.history.reset()
    this.menu = undefined
    void this.execute(text)
  }

  private enqueue(): void {
    const text = this.editor.text
    if (!text.trim()) return
    if (this.queue.length >= TYPED_AHEAD_CAP) { this.hint = `${TYPED_AHEAD_CAP} lines are waiting already`; return this.emit() }
    this.queue.push(text)
    this.editor.set('')
    this.edited()
  }

  private stop(): void {
    if (!this.controller) return
    if (this.run) this.run.stopping = true
    this.controller.abort()
    this.emit()
  }

  /** Runs a line (or a meta command), then the lines typed ahead meanwhile. */
  private async execute(text: string): Promise<void> {
    this.executing = true
    try {
      for (let line: string | undefined = text; line !== undefined && !this.done; line = this.queue.shift()) {
        // Stopped by Ctrl-C from its Enter on, before it starts too.
        const controller = new AbortController()
        this.controller = controller
        // Only when it is still running: an await here would let the view draw before drawn() waits for it.
        if (this.configured) await this.configured
        if (line !== text) this.echo(line)
        await this.drawn()
        const ran = this.saved.remember(line)
        if (!line.trim()) continue
        const d = directive(line)
        const code = d ? this.apply(d) : isMeta(line) ? await this.meta(line, controller) : await this.runLine(line, controller)
        ran(code ?? this.opts.shell.lastExit)
        if (code !== undefined) return this.exit(code)
      }
    } finally {
      this.executing = false
      this.controller = undefined
    }
    await this.refreshPrompts()
    this.emit()
    void this.saved.sync()
  }

  /** An alias, abbr or theme line (from config.fsh or typed); `where` names the config line in messages. */
  private apply(d: Directive, where = ''): undefined {
    const sh = this.opts.shell
    const say = (text: string) => this.opts.terminal.write(text)
    sh.lastExit = 0
    if (d.t === 'alias') this.aliases.set(d.name, d.text)
    else if (d.t === 'abbr') this.abbrs.set(d.name, d.text)
    else if (d.t === 'bind') this.bindings.set(d.key, d.action)
    else if (d.t === 'actions') say(listActions(this.bindings))
    else if (d.t === 'keymap') this.vi = d.vi ? this.vi ?? new ViKeys() : undefined
    else if (d.t === 'list') {
      const all: ReadonlyMap<string, string> = d.what === 'alias' ? this.aliases : d.what === 'abbr' ? this.abbrs : this.bindings
      say((d.what === 'bind' && this.vi ? 'bind --vi\n' : '') + [...all].map(([n, t]) => (d.what === 'alias' ? `alias ${n} = ${t}\n` : `${d.what} ${n} ${t}\n`)).join(''))
    } else if (d.t === 'theme') {
      const bad = this.opts.theme.restyle(d.kind, d.colours)
      if (bad) { say(`fsh: ${where}theme: ${bad}\n`); sh.lastExit = 2 }
    } else {
      say(`fsh: ${where}${d.message}\n`)
      sh.lastExit = 2
    }
    return undefined
  }

  /** Runs config.fsh (config.ts); lines typed meanwhile wait for it. */
  configure(limitMs = CONFIG_LIMIT_MS): Promise<void> {
    const term = this.opts.terminal
    this.configured = runConfig(this.opts.shell, {
      limitMs,
      say: text => term.write(text),
      out: () => new ScreenOut({ writer: { write: c => term.write(c) }, theme: this.opts.theme, columns: () => term.columns(), partialLines: false }),
      apply: (d, where) => this.apply(d, where),
    }).then(() => this.refreshPrompts())
      .catch(e => term.write(`fsh: config: ${e instanceof Error ? e.message : String(e)}\n`))
      .finally(() => { this.configured = undefined; this.emit() })
    return this.configured
  }

  /** The user's `prompt` and `right_prompt`, if defined; a failing one gives the built-in prompt, said once. */
  private async refreshPrompts(): Promise<void> {
    const r = await runPrompts(this.opts.shell)
    if ('error' in r) {
      if (!this.promptFailed) this.opts.terminal.write(`fsh: ${r.error} (the built-in prompt is used)\n`)
      this.promptFailed = true
      this.prompts = {}
      return
    }
    this.promptFailed = false
    this.prompts = r
  }


  /** Runs a shell line; returns an exit status when `exit` ran. */
  private async runLine(text: string, controller: AbortController): Promise<number | undefined> {
    const sh = this.opts.shell
    const term = this.opts.terminal
    text = expandAliases(text, this.aliases, this.source)
    let prog
    try { prog = sh.parse(text) } catch { prog = undefined }
    const stopping = controller.signal.aborted
    // Stopped before it started, the line runs nothing: the terminal stays ours.
    const terminal = prog !== undefined && !stopping && needsTerminal(prog, this.knowledge)
    const started = this.now()
    this.run = { startedAt: started, terminal, stopping, partial: '', rows: 0 }
    let io: IO & { finish?(): void }
    if (terminal) {
      this.emit()
      await term.release()
      io = term.terminalIO()
    } else {
      this.out = new ScreenOut({
        writer: { write: c => term.write(c), ready: () => term.ready?.(), partial: p => { if (this.run) this.run.partial = p } },
        theme: this.opts.theme,
        columns: () => term.columns(),
        screenRows: () => term.rows(),
        partialLines: true,
      })
      // Progress of builtins in a line that keeps the screen goes to the live area; on a terminal
      // given to programs, it is the usual stderr line.
      io = { source: { t: 'none' }, out: this.out, err: this.out.err, progress: name => this.board.reporter(name), lines: source => this.board.lines(source) }
      this.ticker = setInterval(() => this.emit(), TICK_MS)
      this.emit()
    }
    let result: { status: number; exited: boolean }
    const running = sh.execute(text, io, { signal: controller.signal, errexit: false }).catch(e => {
      io.err.write(`fsh: ${e instanceof Error ? e.message : String(e)}\n`)
      return { status: EXIT.failure, exited: false }
    })
    const stopped = terminal ? new Promise<number[]>(resolve => { this.suspended = resolve }) : undefined
    const first = stopped ? await Promise.race([running, stopped]) : await running
    this.suspended = undefined
    if (Array.isArray(first)) {
      // Ctrl-Z: the line goes on as a stopped job (`fg` or `bg` continue it); bash's $? is 128 + SIGTSTP.
      const job = this.stopJob(text, running, controller, first)
      io.err.write(`\n[${job.id}]+  Stopped  ${job.source}\n`)
      result = { status: 148, exited: false }
    } else result = first
    if (this.out) this.out.end()
    io.finish?.()
    if (this.ticker) { clearInterval(this.ticker); this.ticker = undefined }
    if (terminal) await term.reclaim(controller.signal.aborted)
    this.lastMs = this.now() - started
    this.out = undefined
    this.run = undefined
    this.controller = undefined
    this.board.clear()
    this.emit()
    return result.exited ? result.status : undefined
  }

  /** The terminal stopped the foreground programs (SIGTSTP reached the shell too): if some did stop, the line becomes a stopped job. */
  async suspendForeground(): Promise<void> {
    const suspend = this.suspended
    if (!suspend) return
    // The programs get the signal at the same time; a program that catches it (vim) stops itself a little later.
    for (let waited = 0; waited <= 500 && this.suspended === suspend; waited += 25) {
      const pids = stoppedChildren().filter(pid => !this.opts.shell.jobs.list().some(j => j.stopped?.includes(pid)))
      if (pids.length) return suspend(pids)
      await new Promise(r => setTimeout(r, 25))
    }
  }

  private stopJob(text: string, running: Promise<{ status: number }>, controller: AbortController, pids: number[]): Job {
    const jobs = this.opts.shell.jobs
    // `fg` brought this job to the foreground: it is the one that stops again.
    const fg = jobs.list().find(j => j.foreground)
    if (fg) { fg.foreground = false; jobs.suspend(fg, pids); return fg }
    const job = jobs.start(text, signal => {
      signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true })
      return running.then(r => r.status)
    })
    jobs.suspend(job, pids)
    return job
  }

  private async meta(line: string, controller: AbortController): Promise<undefined> {
    const action = runMeta(line, { history: this.history.all(), theme: this.opts.theme, views: await this.views(line) })
    const sh = this.opts.shell
    // The prompt's duration is the last command's; a meta command is quick.
    this.lastMs = undefined
    if (action.t === 'clear') { this.opts.terminal.clearScreen(); sh.lastExit = 0; return }
    if (action.t === 'print') {
      this.opts.terminal.write(action.text)
      sh.lastExit = action.status
      return
    }
    if (action.file === undefined && action.view.code) {
      this.codeFor = action
      this.emit()
      return
    }
    await this.showView(action, { file: action.file === undefined ? undefined : sh.resolvePath(action.file) }, controller)
  }

  /** The REPL views of commands that a meta line may name: all of them for `:help`. */
  private async views(line: string): Promise<ReplViews> {
    const sh = this.opts.shell
    const name = viewName(line)
    const names = isHelp(line) ? sh.commandNames() : name ? [name] : []
    const defs = await Promise.all(names.map(n => sh.findCommand(n).catch(() => undefined)))
    return new Map(defs.flatMap(d => (d?.replView ? [[d.name, d.replView] as const] : [])))
  }

  /** Keys while a view's code is typed: Enter is a new line, Ctrl-D runs it, Ctrl-C drops it. */
  private codeKey(ev: KeyEvent): boolean {
    if (this.run || ev.t !== 'key' || !this.codeFor) return false
    const k = ev as KeyPress
    if (k.name === 'enter' && !k.ctrl) { this.editor.insert('\n'); this.emit(); return true }
    if (k.ctrl && k.name === 'c') { this.codeFor = undefined; this.cancelLine(); return true }
    if (k.ctrl && k.name === 'd' && (this.editor.isEmpty || this.editor.cursor === this.editor.text.length)) {
      const code = this.editor.text
      const view = this.codeFor
      this.codeFor = undefined
      this.lexCache = undefined
      this.echo(code)
      this.editor.set('')
      if (!code.trim()) { this.emit(); return true }
      void this.drawn().then(() => this.showView(view, { code })).then(() => this.emit())
      return true
    }
    if (k.name === 'up' || k.name === 'down') { if (k.name === 'up' ? this.editor.up() : this.editor.down()) this.emit(); return true }
    return false
  }

  private async showView({ name, view }: { name: string; view: ReplView }, req: ViewRequest, controller = new AbortController()): Promise<void> {
    const sh = this.opts.shell
    // Ctrl-C came before it showed: it does not show.
    if (controller.signal.aborted) { sh.lastExit = EXIT.interrupted; return }
    this.controller = controller
    this.run = { startedAt: this.now(), terminal: true, stopping: false, partial: '', rows: 0 }
    this.emit()
    await this.opts.terminal.release()
    let failure = ''
    try {
      sh.lastExit = await view.show(req, { cwd: sh.cwd, env: sh.env, signal: controller.signal })
    } catch (e) {
      failure = `fsh: :${name}: ${e instanceof Error ? e.message : String(e)}\n`
      sh.lastExit = EXIT.failure
    }
    await this.opts.terminal.reclaim()
    if (failure) this.opts.terminal.write(failure)
    this.run = undefined
    this.controller = undefined
    this.emit()
  }

  /** Ctrl-C or SIGINT from outside while a line runs. */
  interrupt(): void {
    this.stop()
  }

  exit(code: number): void {
    if (this.done) return
    this.done = true
    if (this.controller) this.controller.abort()
    this.emit()
    void this.saved.settled().finally(() => this.resolveExit(code))
  }

  private runKey(ev: KeyEvent): void {
    if (ev.t === 'key' && ev.ctrl && ev.name === 'c') return this.stop()
    if (ev.t === 'key' && ev.ctrl && ev.name === 'd' && this.editor.isEmpty) return
    this.editKey(ev, false)
  }

  // ---------------------------------------------------------------- echo and history

  /** A finished line above the prompt, in the colours it was typed in. */
  private echo(text: string, mark = ''): void {
    const s = this.snapshot
    const segs = text === this.lexCache?.text ? this.lexCache.segments : this.colour(text).segments
    const layout = layoutEditor(segs, -1, { prompt: s.prompt, cont: s.cont, columns: this.opts.terminal.columns(), theme: this.opts.theme })
    let rows = layout.rows
    if (rows.length > ECHO_MAX_ROWS) rows = [...rows.slice(0, ECHO_MAX_ROWS - 1), this.opts.theme.dim(`… ${rows.length - ECHO_MAX_ROWS + 1} more lines`)]
    if (mark) rows[rows.length - 1] += mark
    if (this.echoes.length >= ECHO_KEEP) {
      // <Static> printed these already; starting its list again keeps memory flat.
      this.echoes = []
      this.echoGeneration++
    }
    this.echoes = [...this.echoes, { id: ++this.echoId, text: rows.join('\n') }]
    this.emit()
  }

  /** A line that started before the editor was ready (start.ts) and still runs: shown, stopped
   *  and waited for as this session's own from now on; the lines typed meanwhile run after it. */
  async adoptEarly(r: EarlyRun): Promise<void> {
    const term = this.opts.terminal
    const ran = this.saved.remember(r.text)
    this.controller = r.controller
    this.run = { startedAt: r.startedAt, terminal: false, stopping: false, partial: '', rows: 0 }
    this.out = r.out
    r.redirect({ write: c => term.write(c), ready: () => term.ready?.() })
    this.ticker = setInterval(() => this.emit(), TICK_MS)
    this.emit()
    const exited = await r.done
    ran(exited ?? this.opts.shell.lastExit)
    if (this.ticker) { clearInterval(this.ticker); this.ticker = undefined }
    this.lastMs = this.now() - r.startedAt
    this.out = undefined
    this.run = undefined
    this.controller = undefined
    this.emit()
    if (exited !== undefined) return this.exit(exited)
    const next = this.queue.shift()
    if (next === undefined) return
    this.echo(next)
    await this.execute(next)
  }

  /** Lines that ran before the editor was ready (start.ts): recalled and saved as if run here. */
  ranEarly(lines: readonly { text: string; ms: number; exit: number }[]): void {
    for (const l of lines) { this.saved.remember(l.text)(l.exit); this.lastMs = l.ms }
    if (lines.length) this.emit()
  }

  /** Loads the saved history; keys held meanwhile (a ↑ pressed too early) then run, in order. */
  async loadHistory(): Promise<void> {
    try {
      // Lines run before the load (typed ahead) stay the newest whether or not they are saved yet.
      await this.saved.load()
    } finally {
      this.replayHeldKeys()
    }
  }

  /** Keys held while the history was read, handled now, in order. */
  private readonly replayHeldKeys = (): void => {
    const held = this.heldKeys
    this.heldKeys = undefined
    for (const ev of held ?? []) this.handle(ev)
  }
}

