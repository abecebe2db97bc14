// The caps on what could grow with its input or its use, in one place, each with its policy:
// fail (an error names the cap, and the flag that raises it when there is one), stop (the run ends
// with exit 1 and says why), drop (the excess goes, and that is said), or skip (left out quietly,
// where nothing is lost: a cache, a completion list).

const MiB = 1024 * 1024

/** fail: a longer line of text is an error (`--max-line` raises it where a command reads lines). */
export const MAX_LINE_BYTES = 8 * MiB
/** stop: `shell.run()` collects no more output than this; `shell.stream()` is the way to more. */
export const RUN_OUTPUT_CAP = 64 * MiB
/** drop: the end of stderr explains a failure; older text is dropped and counted. */
export const RUN_STDERR_TAIL = 1 * MiB
/** fail: output of `$( )` beyond this is refused rather than held. */
export const SUBSTITUTION_CAP = 64 * MiB
/** Worker threads one command starts: one per core, at most this many (each has its own heap). */
export const WORKER_THREADS_MAX = 8
/** skip: a history line longer than this is not kept (nor read back). */
export const HISTORY_LINE_BYTES = 1 * MiB
/** drop: a paste is kept up to this many characters; the hint says it was cut. */
export const PASTE_CAP_CHARS = 8 * MiB
/** drop: lines typed ahead while a command runs (a paste without bracketed paste is many). */
export const TYPED_AHEAD_CAP = 100_000
/** drop: keys held while the saved history loads. */
export const HELD_KEYS_CAP = 100_000
/** skip: names remembered as found or not found on PATH; forgotten all at once past this. */
export const PATH_LOOKUP_CAP = 4096
/** skip: program names listed from PATH for completion. */
export const PATH_PROGRAMS_CAP = 20_000
/** skip: entries of one directory read for path completion. */
export const DIR_ENTRY_CAP = 5000
