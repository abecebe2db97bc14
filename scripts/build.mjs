// Bundles the CLI and the library into dist/ with esbuild: minified, code-split so a one-liner
// loads neither Ink nor React nor the commands it does not run. `--if-stale` skips a fresh build.
import { execFileSync } from 'node:child_process'
import { build } from 'esbuild'
import { copyFileSync, existsSync, readdirSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const outdir = join(root, 'dist')
const stamp = join(outdir, 'cli.js')

function newest(dir) {
  let t = 0
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    const st = statSync(p)
    t = Math.max(t, st.isDirectory() ? newest(p) : st.mtimeMs)
  }
  return t
}

if (process.argv.includes('--if-stale') && existsSync(stamp)) {
  const sources = Math.max(newest(join(root, 'src')), newest(join(root, 'commands')), statSync(join(root, 'package.json')).mtimeMs)
  if (statSync(stamp).mtimeMs >= sources) process.exit(0)
}

// The parser's list of commands that take an expression, from their definitions.
execFileSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/raw-args.ts')], { cwd: root, stdio: 'inherit' })

// Chunk names carry content hashes: old ones would pile up.
rmSync(join(outdir, 'chunks'), { recursive: true, force: true })
await build({
  absWorkingDir: root,
  entryPoints: { cli: 'src/cli.ts', index: 'src/index.ts', prelude: 'src/prelude.ts', ...workerEntries() },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  chunkNames: 'chunks/[name]-[hash]',
  // Ink imports react-devtools-core only in development; it is not installed.
  external: ['better-sqlite3', 'react-devtools-core'],
  define: { 'process.env.NODE_ENV': '"production"' },
  // Some bundled CommonJS dependencies call require() for Node built-ins.
  banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
  logLevel: 'warning',
})

// The event-loop tracer runs inside a plain `node` child, so it ships as the file it is.
copyFileSync(join(root, 'src/loop/preload.cjs'), join(outdir, 'loop-preload.cjs'))

// Declarations for library users (`import { createShell } from 'fsh'`).
// A type error is reported here and fails `npm test`'s typecheck, but does not stop `npm start`.
try {
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.types.json')], { stdio: 'inherit' })
} catch {
  console.error('build: the declarations have type errors (see above); the bundle is built')
}

/** Worker-thread and child-process entry points that must exist as files of their own. */
function workerEntries() {
  const entries = {}
  const candidates = { 'loglens-worker': 'commands/loglens/worker.ts', 'ndjson-scan-worker': 'commands/formats/ndjson-scan-worker.ts' }
  for (const [name, file] of Object.entries(candidates)) if (existsSync(join(root, file))) entries[name] = file
  return entries
}
