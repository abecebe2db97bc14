'use strict'
// Loaded with `node --require` into the program that `loop trace` runs. It records which queue each
// callback came from and in which loop phase it ran, plus every console write, as NDJSON lines on
// the fd named by FSH_LOOP_FD. Plain JavaScript: the shipped bundle has no TypeScript loader.
//
// How the phase is known: async_hooks tells which resource is entering (Timeout → timers phase,
// Immediate → check, a handle whose close callback is due → close, a failed pipe connect → pending,
// any other libuv request or handle → poll); nextTick, promise and queueMicrotask callbacks run in
// the phase of the callback they drain after. Records are written synchronously, so a trace
// survives a crash or a kill at the timeout up to the last thing that happened.
;(function installLoopTracer() {
  const fd = Number(process.env.FSH_LOOP_FD)
  if (!fd) return
  const limits = {
    logs: Number(process.env.FSH_LOOP_MAX_LOGS) || 10_000,
    logBytes: Number(process.env.FSH_LOOP_MAX_BYTES) || 1 << 20,
    records: Number(process.env.FSH_LOOP_MAX_RECORDS) || 200_000,
  }
  const debug = process.env.FSH_LOOP_DEBUG === '1'
  for (const k of ['FSH_LOOP_FD', 'FSH_LOOP_MAX_LOGS', 'FSH_LOOP_MAX_BYTES', 'FSH_LOOP_MAX_RECORDS', 'FSH_LOOP_DEBUG']) delete process.env[k]

  const fs = require('fs')
  const path = require('path')
  const asyncHooks = require('async_hooks')
  const Module = require('module')
  const timers = require('timers')
  const vm = require('vm')

  // ---- is the main module an ES module? Its top level then runs late, inside the loader's promises.
  function packageType(file) {
    for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
      try { return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).type || 'none' } catch (err) {
        if (err.code !== 'ENOENT' && err.code !== 'ENOTDIR') return 'none'
      }
      if (dir === path.dirname(dir)) return 'none'
    }
  }
  const ESM_ONLY_SYNTAX = /Cannot use import statement|Unexpected token 'export'|import\.meta|await is only valid/
  function isEsmMain(file) {
    if (!file) return false
    if (file.endsWith('.mjs')) return true
    if (file.endsWith('.cjs')) return false
    const type = packageType(file)
    if (type !== 'none') return type === 'module'
    // No "type": node 20.19+ compiles as CommonJS and falls back to ESM on ES module syntax.
    try {
      new vm.Script(`(function (exports, require, module, __filename, __dirname) {${fs.readFileSync(file, 'utf8')}\n})`)
      return false
    } catch (err) {
      return ESM_ONLY_SYNTAX.test(String(err && err.message))
    }
  }
  const esmMain = isEsmMain(process.argv[1])

  // ---- output: one JSON line per record, written at once --------------------------------------
  const sleeper = new Int32Array(new SharedArrayBuffer(4))
  let dead = false
  function writeAll(text) {
    if (dead) return
    let buf = Buffer.from(text)
    while (buf.length) {
      try {
        const n = fs.writeSync(fd, buf)
        buf = buf.subarray(n)
      } catch (err) {
        if (err.code === 'EAGAIN') { Atomics.wait(sleeper, 0, 0, 1); continue }
        dead = true // the reader went away: keep the program running as it would without us
        return
      }
    }
  }

  let recordCount = 0
  let stopping = false
  let tick = 0
  let phase = 'main'

  // ---- which iteration of the loop this is ------------------------------------------------------
  // An iteration is timers → pending → poll → check → close. libuv counts its iterations just
  // before it polls, and runs timers at the end of one of its own iterations (the first ones
  // before the loop starts), so its count reads one less in timers and pending than in the
  // poll, check and close phases of the same iteration. Without that count (older node) the
  // order of phases tells what it can: a phase before the previous one starts a new iteration;
  // callbacks of one phase in a row are taken to share one.
  const ORDER = { main: 0, timers: 1, pending: 2, poll: 3, check: 4, close: 5 }
  const nodeTiming = require('perf_hooks').performance.nodeTiming
  const loopCount = () => { const m = nodeTiming.uvMetricsInfo; return m ? m.loopCount : undefined }
  function enterPhase(next) {
    const count = loopCount()
    const iteration = count === undefined
      ? tick + (phase === 'main' || ORDER[next] < ORDER[phase] ? 1 : 0)
      : count + (next === 'timers' || next === 'pending' ? 1 : 0)
    tick = Math.max(tick, iteration, 1)
    phase = next
  }
  function emit(kind, source, api, id, text) {
    if (stopping) return
    if (++recordCount > limits.records) return stop('records', 'records', limits.records)
    writeAll(JSON.stringify({ tick, phase, source, kind, api, id, text }) + '\n')
  }
  /** The trace or the console grew past its cap: say so, then end the program at once. */
  function stop(what, unit, limit) {
    if (stopping) return
    stopping = true
    writeAll(JSON.stringify({ kind: 'capped', what, unit, limit }) + '\n')
    process.kill(process.pid, 'SIGKILL')
  }

  // ---- what is running now ----------------------------------------------------------------------
  // `muted` > 0 while our own code or the console machinery runs: what it creates is hidden.
  let muted = 0
  let nextId = 0
  const infos = new WeakMap() // resource → { id, type, api, text, hidden, native }
  const promises = new Map() // asyncId → promise info, to know when a reaction is queued
  const MAX_PROMISES = 1_000_000
  const frames = [] // infos of the callbacks entered, outermost first (undefined for unknown)
  let current = null // { source, id } of the outermost callback, null between callbacks
  let scriptDone = false // the main script has returned (CommonJS) or been handed to the ESM loader
  let loopStarted = false // a callback of the program has come from the loop
  let afterLoop = false // beforeExit/exit listeners: the loop has nothing left to run

  const USER_CODE_FREE = /^(node:|internal[/]|$)/
  const ownFile = __filename

  /** The structured stack of whoever called `below`, without disturbing the program's own settings. */
  function callSites(below, limit) {
    const prepare = Error.prepareStackTrace
    const stackLimit = Error.stackTraceLimit
    Error.prepareStackTrace = (_, sites) => sites
    Error.stackTraceLimit = limit
    const holder = {}
    Error.captureStackTrace(holder, below)
    const sites = holder.stack
    Error.prepareStackTrace = prepare
    Error.stackTraceLimit = stackLimit
    return sites
  }

  function hasUserFrame() {
    return callSites(hasUserFrame, 64).some(s => { const f = s.getFileName() || ''; return !USER_CODE_FREE.test(f) && f !== ownFile })
  }

  /** The public API that started a libuv request or handle: the node: frame just below user code. */
  function apiFromStack() {
    const sites = callSites(apiFromStack, 40)
    let lastNode
    for (const s of sites) {
      const file = s.getFileName() || ''
      if (file === ownFile) continue
      if (file.startsWith('node:')) { lastNode = s; continue }
      if (file && lastNode) return apiName(lastNode)
      if (file) return undefined
    }
    return undefined
  }
  function apiName(site) {
    const mod = site.getFileName().slice(5).replace(/^internal\//, '').replace(/\/promises$/, '.promises').replace(/\/.*$/, '') // node:internal/crypto/pbkdf2 → crypto
    const fn = (site.getFunctionName() || site.getMethodName() || 'call').replace(/^(get|set) /, '')
    if (fn.includes('.')) return fn // `Server.listen`: V8 already named the method after its class
    const type = site.getTypeName()
    const owner = type && type !== 'Object' && type !== 'Function' && type !== 'process' ? type : mod
    return `${owner}.${fn}`
  }

  const callbackName = fn => (typeof fn === 'function' && fn.name && fn.name !== 'bound ' ? fn.name.replace(/^bound /, '') : '')
  const timerText = t => `${t._repeat ? 'every' : 'after'} ${t._repeat || t._idleTimeout}ms`

  const REQUEST_TEXT = {
    FSREQCALLBACK: 'fs request done',
    FSREQPROMISE: 'fs request done',
    GETADDRINFOREQWRAP: 'address resolved',
    GETNAMEINFOREQWRAP: 'name resolved',
    TCPCONNECTWRAP: 'connect finished',
    PIPECONNECTWRAP: 'connect finished',
    SHUTDOWNWRAP: 'shutdown finished',
    WRITEWRAP: 'write finished',
    TCPSERVERWRAP: 'incoming connection',
    PIPESERVERWRAP: 'incoming connection',
    TCPWRAP: 'socket readable',
    PIPEWRAP: 'pipe readable',
    PROCESSWRAP: 'child exited',
    SIGNALWRAP: 'signal',
    FSEVENTWRAP: 'file changed',
    UDPWRAP: 'datagram',
    STATWATCHER: 'stat changed',
  }

  // Who made a request or handle when no user code is on the stack (node did it in a callback of its own).
  const TYPE_API = {
    FSREQCALLBACK: 'fs', FSREQPROMISE: 'fs.promises', FILEHANDLE: 'fs.promises', FILEHANDLECLOSEREQ: 'fs.promises',
    TCPSERVERWRAP: 'net.Server', TCPWRAP: 'net.Socket', TCPCONNECTWRAP: 'net.Socket.connect', PIPESERVERWRAP: 'net.Server',
    PIPEWRAP: 'net.Socket', PIPECONNECTWRAP: 'net.Socket.connect', SHUTDOWNWRAP: 'net.Socket.end', WRITEWRAP: 'net.Socket.write',
    GETADDRINFOREQWRAP: 'dns.lookup', GETNAMEINFOREQWRAP: 'dns.lookupService', QUERYWRAP: 'dns.resolve', DNSCHANNEL: 'dns',
    PROCESSWRAP: 'child_process', SIGNALWRAP: 'process.on(signal)', FSEVENTWRAP: 'fs.watch', STATWATCHER: 'fs.watchFile',
    UDPWRAP: 'dgram', UDPSENDWRAP: 'dgram.send', ZLIB: 'zlib', HTTPCLIENTREQUEST: 'http.request', HTTPINCOMINGMESSAGE: 'http',
  }

  function isClosing(res) {
    if (!res || typeof res !== 'object') return false
    for (const s of Object.getOwnPropertySymbols(res)) if (s.description === 'handle_onclose') return true
    return false
  }

  // ---- async_hooks --------------------------------------------------------------------------------
  function onInit(asyncId, type, triggerAsyncId, resource) {
    const info = { id: 0, type, api: '', text: '', hidden: false, native: false }
    infos.set(resource, info)
    if (type === 'PROMISE') trackPromise(asyncId, triggerAsyncId, info)
    // Before the main module has run, an ES module's loader does its own async work: not the program's.
    if (muted || stopping || (esmMain && !loopStarted && !hasUserFrame())) { info.hidden = true; return }
    if (type !== 'PROMISE') info.id = ++nextId // a promise gets its id when it is queued
    switch (type) {
      case 'Timeout':
        info.api = resource._repeat ? 'setInterval' : 'setTimeout'
        info.text = timerText(resource)
        break
      case 'Immediate':
        info.api = 'setImmediate'
        info.text = callbackName(resource._onImmediate)
        break
      case 'TickObject':
        info.api = 'process.nextTick'
        info.text = callbackName(resource.callback)
        break
      case 'Microtask':
        info.api = 'queueMicrotask'
        break
      case 'PROMISE':
        info.api = 'promise'
        // A reaction is scheduled when it is really queued: now if its parent has settled, else then.
        if (info.queueNow) emit('schedule', sourceNow(), 'promise', idOf(info), 'then')
        return
      default: {
        if (resource instanceof asyncHooks.AsyncResource) { info.api = type; break }
        info.native = true
        const parent = triggerAsyncId && nativeById.get(triggerAsyncId)
        info.api = apiFromStack() || (parent && parent.api) || TYPE_API[type] || type.toLowerCase()
        info.text = type
        nativeById.set(asyncId, info)
        if (POOL_WORK.test(type)) return poolStart(info)
      }
    }
    emit('schedule', sourceNow(), info.api, info.id, info.text)
  }

  // ---- libuv's thread pool: fs, dns.lookup, crypto jobs and zlib work leave the JS thread -------
  // Work is handed to the pool when its request is made and comes back when its callback runs.
  // The pool takes work in order, one job per thread: a job's wave is when a thread can take it,
  // as far as the program can tell (a thread may already be free before its callback runs).
  const POOL_WORK = /^(FSREQCALLBACK|FSREQPROMISE|FILEHANDLECLOSEREQ|GETADDRINFOREQWRAP|GETNAMEINFOREQWRAP|(?!HTTP)[A-Z0-9]+REQUEST)$/
  const poolThreads = Math.min(1024, Math.max(1, Number(process.env.UV_THREADPOOL_SIZE) || 4))
  let poolBusy = 0 // jobs handed to the pool whose callback has not run yet
  function poolStart(info) {
    const wave = Math.floor(poolBusy / poolThreads) + 1
    poolBusy++
    ;(info.poolWaves ??= []).push(wave)
    emit('pool-start', sourceNow(), info.api, info.id, `wave ${wave}`)
  }
  function poolDone(info) {
    if (!info.poolWaves || !info.poolWaves.length) return
    poolBusy = Math.max(0, poolBusy - 1)
    emit('pool-done', 'io', info.api, info.id, `wave ${info.poolWaves.shift()}`)
  }
  const nativeById = new Map() // asyncId → info of a libuv request or handle (one per schedule record, so capped with them)

  // A reaction (then/await) is queued when its parent promise settles, or at once if it has.
  function trackPromise(asyncId, triggerAsyncId, info) {
    info.derived = triggerAsyncId !== asyncHooks.executionAsyncId() && triggerAsyncId > 1
    info.settled = false
    info.waiting = null
    if (promises.size < MAX_PROMISES) promises.set(asyncId, info)
    if (!info.derived) return
    const parent = promises.get(triggerAsyncId)
    if (parent && !parent.settled) (parent.waiting ??= []).push(info)
    else info.queueNow = true
  }
  function onPromiseResolve(asyncId) {
    const p = promises.get(asyncId)
    if (!p) return
    p.settled = true
    if (p.waiting) for (const child of p.waiting) if (!child.hidden) emit('schedule', sourceNow(), 'promise', idOf(child), 'then')
    p.waiting = null
    promises.delete(asyncId)
  }

  function sourceNow() {
    if (current) return current.source
    if (afterLoop || !scriptDone) return 'script'
    return 'microtask' // a thenable job runs outside any hooked callback
  }
  function idNow() { return current ? current.id : 0 }
  function idOf(info) { return info.id || (info.id = ++nextId) }

  function onBefore() {
    const res = asyncHooks.executionAsyncResource()
    const info = infos.get(res)
    frames.push(info)
    if (frames.length !== 1) return
    afterLoop = false
    const type = info ? info.type : res && res.constructor && res.constructor.name
    let next = null
    let source
    if (type === 'Timeout') { next = 'timers'; source = res._repeat ? 'interval' : 'timeout' }
    else if (type === 'Immediate') { next = 'check'; source = 'immediate' }
    else if (type === 'TickObject') source = 'nextTick'
    else if (type === 'PROMISE' || type === 'Microtask') source = info && info.hidden && esmMain && !loopStarted ? 'script' : 'microtask'
    else if (res instanceof asyncHooks.AsyncResource) source = current ? current.source : 'microtask'
    else if (isClosing(res)) { next = 'close'; source = 'close' }
    else if (type === 'PIPECONNECTWRAP' && info) { current = { source: 'io', id: info.id, deferred: info }; return }
    else { next = 'poll'; source = 'io' }
    const visible = !!info && !info.hidden // unknown: made before the tracer started, not the program's
    if (next && visible) { enterPhase(next); loopStarted = true }
    current = { source, id: info && visible ? idOf(info) : 0 }
    if (visible && source === 'io') poolDone(info)
    if (visible) emit('run', source, info.api, info.id, runText(info, res, source))
  }
  function runText(info, res, source) {
    if (source === 'close') return 'close callback'
    if (info.type === 'Microtask') return callbackName(res.callback)
    if (info.native) return REQUEST_TEXT[info.type] || info.type
    if (info.type === 'PROMISE') return info.derived ? 'then' : ''
    return info.text
  }
  // A failed connect to a unix socket is reported by libuv in the next pending phase, not in poll.
  function connectDone(status) {
    if (!current || !current.deferred || frames.length !== 1) return
    const info = current.deferred
    current.deferred = undefined
    enterPhase(status < 0 ? 'pending' : 'poll')
    if (!info.hidden) emit('run', 'io', info.api, info.id, status < 0 ? 'connect failed' : 'connect finished')
  }

  function onAfter() {
    const info = frames.pop()
    if (frames.length) return
    const res = asyncHooks.executionAsyncResource()
    // An interval is put back in the timer list after each run, unless it was cleared.
    if (info && !info.hidden && info.type === 'Timeout' && res && res._repeat && !res._destroyed) {
      emit('schedule', current ? current.source : 'interval', 'setInterval', info.id, timerText(res))
    }
    current = null
  }

  // An exception in a hook would end the program: never let one out.
  const guard = fn => function () {
    try { return fn.apply(this, arguments) } catch (err) { if (debug) fs.writeSync(2, `loop tracer: ${err && err.stack}\n`) }
  }
  const hook = asyncHooks.createHook({
    init: guard(onInit),
    before: guard(onBefore),
    after: guard(onAfter),
    promiseResolve: guard(onPromiseResolve),
  })

  // ---- patches: the main script, console writes, cancellations, close callbacks -------------------
  muted++
  try {
    emit('run', 'script', 'script', 0, path.basename(process.argv[1] || 'script'))
    // Ticks queued now run first once the main script returns (and never if it throws): this one
    // marks the end of the script without a wrapper frame showing in the program's stack traces.
    process.nextTick(() => { scriptDone = true })

    let logCount = 0
    let logBytes = 0
    let stderrBytes = 0
    // console.error and console.warn are one function in node (so are log, info and debug): a thin
    // wrapper says which name was called. Not around trace, whose output would show the wrapper.
    let consoleApi = ''
    const calledByTrace = () => callSites(calledByTrace, 12).some(s => s.getFunctionName() === 'trace' && s.getFileName() === 'node:internal/console/constructor')
    for (const key of Object.keys(console)) {
      const fn = console[key]
      if (typeof fn !== 'function' || !/^[a-z]/.test(key) || key === 'trace') continue
      console[key] = function () {
        const outer = consoleApi
        consoleApi ||= key === 'error' && calledByTrace() ? 'console.trace' : `console.${key}`
        try { return fn.apply(this, arguments) } finally { consoleApi = outer }
      }
    }
    const writerOf = name => consoleApi || `process.${name}.write`
    const patchStream = (stream, name) => {
      const write = stream.write
      stream.write = function (chunk) {
        if (stopping) return true
        let text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString()
        const bytes = Buffer.byteLength(text)
        const api = writerOf(name)
        if (++logCount > limits.logs) return stop('output', 'lines', limits.logs)
        if (logBytes + bytes > limits.logBytes) {
          // What still fits is shown, then the program stops.
          const room = limits.logBytes - logBytes
          if (room > 0) emit('log', sourceNow(), api, idNow(), Buffer.from(text).subarray(0, room).toString())
          return stop('output', 'bytes', limits.logBytes)
        }
        logBytes += bytes
        if (name === 'stderr') stderrBytes += bytes
        if (text.endsWith('\n')) text = text.slice(0, -1)
        emit('log', sourceNow(), api, idNow(), text)
        // What writing does inside (a tick to report the write done) is the console's, not the program's.
        muted++
        try { return write.apply(this, arguments) } finally { muted-- }
      }
    }
    // process.stdout and stderr are made on first use: patched then, and their making hidden.
    for (const name of ['stdout', 'stderr']) {
      const desc = Object.getOwnPropertyDescriptor(process, name)
      if (!desc || !desc.get) continue
      let seen
      Object.defineProperty(process, name, {
        configurable: true,
        enumerable: desc.enumerable,
        get() {
          muted++
          try {
            const stream = desc.get.call(this)
            if (stream !== seen) { seen = stream; patchStream(stream, name) }
            return stream
          } finally { muted-- }
        },
      })
    }

    // Cancelling a timer or an immediate takes it off its queue: say so.
    const patchClear = (name, pending) => {
      const clear = timers[name]
      const wrapped = function (t) {
        const info = t && typeof t === 'object' ? infos.get(t) : undefined
        if (info && !info.hidden && pending(t)) emit('schedule', sourceNow(), name, info.id, 'cancelled')
        return clear.apply(this, arguments)
      }
      timers[name] = wrapped
      globalThis[name] = wrapped
    }
    patchClear('clearTimeout', t => !t._destroyed)
    patchClear('clearInterval', t => !t._destroyed)
    patchClear('clearImmediate', t => !t._destroyed && t._onImmediate != null)

    // Closing a handle queues its callback (if any) for the close phase; libuv stops watching it.
    // (process.binding may lose these one day: the trace then only misses close schedules and pending.)
    const binding = name => { try { return process.binding(name) } catch { return undefined } }
    const tcp = binding('tcp_wrap')
    const handleProto = tcp && Object.getPrototypeOf(Object.getPrototypeOf(tcp.TCP.prototype))
    const close = handleProto && handleProto.close
    if (typeof close === 'function') {
      handleProto.close = function (cb) {
        const info = infos.get(this)
        if (info && !info.hidden && !muted) emit('schedule', sourceNow(), 'close', info.id, typeof cb === 'function' ? info.type : `${info.type} (no callback)`)
        return close.apply(this, arguments)
      }
    }
    // A zlib stream hands each chunk to the pool: its handle's callback runs when the chunk is done.
    const zlibBinding = binding('zlib')
    for (const proto of zlibBinding ? [zlibBinding.Zlib, zlibBinding.BrotliEncoder, zlibBinding.BrotliDecoder].map(c => c && c.prototype) : []) {
      const write = proto && proto.write
      if (typeof write !== 'function') continue
      proto.write = function () {
        const info = infos.get(this)
        if (info && !info.hidden && !muted) poolStart(info)
        return write.apply(this, arguments)
      }
    }
    // The status of a unix-socket connect tells the phase it is reported in (see connectDone).
    const ConnectWrap = (binding('pipe_wrap') || {}).PipeConnectWrap
    if (ConnectWrap) {
      Object.defineProperty(ConnectWrap.prototype, 'oncomplete', {
        configurable: true,
        set(fn) {
          Object.defineProperty(this, 'oncomplete', {
            configurable: true, writable: true,
            value: function (status) { connectDone(status); return fn.apply(this, arguments) },
          })
        },
      })
    }

    // A child started with `detached: true` leaves the program's process group: the tracer is told
    // its pid, so that it can end it with the rest.
    const { ChildProcess } = require('child_process')
    const spawnChild = ChildProcess.prototype.spawn
    ChildProcess.prototype.spawn = function (options) {
      const result = spawnChild.apply(this, arguments)
      if (options && options.detached && this.pid) writeAll(JSON.stringify({ kind: 'detached', pid: this.pid }) + '\n')
      return result
    }

    process.prependListener('beforeExit', () => { afterLoop = true; phase = 'close' })
    process.prependListener('exit', () => { if (!current) { afterLoop = true; phase = 'close' } })
    process.on('uncaughtExceptionMonitor', () => {
      if (stopping || process.listenerCount('uncaughtException') > 0 || process.hasUncaughtExceptionCaptureCallback()) return
      // The program dies now; what node does while reporting it is not the program's.
      writeAll(JSON.stringify({ kind: 'fatal', tick, phase, source: sourceNow(), id: idNow(), stderrBytes }) + '\n')
      stopping = true
    })
    if (Module.syncBuiltinESMExports) Module.syncBuiltinESMExports()
  } finally {
    muted--
  }
  hook.enable()
})()
