// Bundles the CLI and the library into dist/ with esbuild: minified, code-split so a one-liner
// loads neither Ink nor React nor the commands it does not run, and what it does load comes in
// few files (each ES module costs Node a resolve, a read and a link). `--if-stale` skips a fresh build.
import { execFileSync } from 'node:child_process'
import { build } from 'esbuild'
import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'

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

const common = {
  absWorkingDir: root,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  // Ink imports react-devtools-core only in development; it is not installed. pg is loaded only for
  // a postgres:// queue, from node_modules (its optional native binding is not bundled).
  external: ['better-sqlite3', 'pg', 'react-devtools-core'],
  define: { 'process.env.NODE_ENV': '"production"' },
  // Some bundled CommonJS dependencies call require() for Node built-ins.
  banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
  logLevel: 'warning',
}

// Chunk names carry content hashes: old ones would pile up.
rmSync(join(outdir, 'chunks'), { recursive: true, force: true })
const entryPoints = { cli: 'src/cli.ts', index: 'src/index.ts', prelude: 'src/prelude.ts', queue: 'src/queue/api.ts', http: 'src/http/index.ts' }
await build({
  ...common,
  entryPoints,
  outdir,
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  plugins: [oneLinerChunk(await oneLinerImports(), Object.values(entryPoints))],
})
// Each thread loads its own copy of what it uses: one file, nothing shared with the CLI's chunks.
await build({ ...common, entryPoints: workerEntries(), outdir })

// The event-loop tracer runs inside a plain `node` child, so it ships as the file it is.
copyFileSync(join(root, 'src/loop/preload.cjs'), join(outdir, 'loop-preload.cjs'))

// Declarations for library users (`import { createShell } from 'fsh'`).
// A type error is reported here and fails `npm test`'s typecheck, but does not stop `npm start`.
try {
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.types.json')], { stdio: 'inherit' })
} catch {
  console.error('build: the declarations have type errors (see above); the bundle is built')
}

/** Worker-thread and child-process entry points (the pilot daemon among them) that must exist as files of their own. */
function workerEntries() {
  const entries = {}
  const candidates = { 'loglens-worker': 'commands/loglens/worker.ts', 'ndjson-scan-worker': 'commands/formats/ndjson-scan-worker.ts', 'pilot-daemon': 'src/pilot/daemon-main.ts' }
  for (const [name, file] of Object.entries(candidates)) if (existsSync(join(root, file))) entries[name] = file
  return entries
}

/**
 * What the one-liner loads besides src/cli.ts itself: the source files it imports and the prelude
 * every command imports (`direct`), and everything those import in turn (`files`).
 */
async function oneLinerImports() {
  const cli = 'src/cli.ts'
  const { metafile } = await build({ ...common, entryPoints: [cli], write: false, outdir, metafile: true, minify: false })
  const direct = [...metafile.inputs[cli].imports.filter(i => !i.external && i.kind === 'import-statement' && /^(src|commands)\//.test(i.path)).map(i => i.path), 'src/prelude.ts']
  const files = new Set()
  const visit = file => {
    if (files.has(file)) return
    files.add(file)
    for (const i of metafile.inputs[file].imports) if (!i.external && (i.kind === 'import-statement' || i.kind === 'require-call')) visit(i.path)
  }
  for (const f of direct) visit(f)
  return { direct, files }
}

/**
 * esbuild puts a module in a chunk of its own for every different set of entry points (commands
 * loaded with import() among them) that reach it, which cut the one-liner's modules into twenty
 * files. Every other source file here also imports what the CLI imports, so all of it is reached
 * from the same entries and lands in one chunk; at run time those modules are loaded already.
 */
function oneLinerChunk({ direct, files }, entries) {
  const ours = new RegExp(`^${root.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(src|commands)/.*\\.tsx?$`)
  return {
    name: 'one-liner-chunk',
    setup(b) {
      b.onResolve({ filter: /^fsh:one-liner$/ }, () => ({ path: 'one-liner', namespace: 'fsh' }))
      b.onLoad({ filter: /.*/, namespace: 'fsh' }, () => ({
        contents: direct.map(p => `import ${JSON.stringify(`./${p}`)}`).join('\n'),
        resolveDir: root,
        loader: 'js',
      }))
      b.onLoad({ filter: ours }, args => {
        const file = relative(root, args.path)
        if (files.has(file) && !entries.includes(file)) return undefined
        return { contents: `import 'fsh:one-liner';\n${readFileSync(args.path, 'utf8')}`, loader: args.path.endsWith('x') ? 'tsx' : 'ts' }
      })
    },
  }
}
