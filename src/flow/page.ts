// The page `serve --flows` shows at /: runs, a run's steps (each `<li data-step=NAME
// data-status=STATUS>`, kept current from the run's event stream) and the chosen step's live log.
// `/#run=ID` opens a run.
// Plain HTML and JavaScript: nothing to build.
export const FLOW_PAGE = `<!doctype html>
<html lang="en">
<meta charset="utf-8">
<title>fsh flow</title>
<style>
  body { font: 14px system-ui, sans-serif; margin: 0; display: grid; grid-template-columns: 22em 1fr; height: 100vh; }
  nav, main { overflow: auto; padding: 1em; }
  nav { border-right: 1px solid #ddd; }
  ul { list-style: none; padding: 0; margin: 0; }
  li { padding: .3em .5em; cursor: pointer; border-radius: 4px; }
  li:hover, li.chosen { background: #eef; }
  [data-status] { border-left: 4px solid #aaa; margin-bottom: 2px; }
  [data-status=succeeded] { border-color: #2a2; }
  [data-status=failed], [data-status=cancelled] { border-color: #c22; }
  [data-status=running] { border-color: #d90; }
  [data-status=queued], [data-status=waiting] { border-color: #bbb; }
  [data-status=skipped] { border-color: #88f; }
  pre { background: #111; color: #ddd; padding: 1em; min-height: 10em; white-space: pre-wrap; }
  small { color: #777; }
</style>
<nav><h3>Runs</h3><ul id="runs"></ul></nav>
<main>
  <h3 id="run-title">Choose a run</h3>
  <ul id="steps"></ul>
  <h4 id="log-title"></h4>
  <pre id="log"></pre>
</main>
<script>
const $ = id => document.getElementById(id)
let runId = null, stepName = null, events = null, logOffset = 0, logTimer = null

function text(tag, content, attrs = {}) {
  const el = document.createElement(tag)
  el.textContent = content
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v)
  return el
}

async function loadRuns() {
  const { items } = await (await fetch('runs')).json()
  $('runs').replaceChildren(...items.map(r => {
    const li = text('li', r.id + ' ' + r.file, { 'data-run': r.id, 'data-status': r.status })
    li.append(text('small', ' ' + r.status))
    li.onclick = () => openRun(r.id)
    if (r.id === runId) li.className = 'chosen'
    return li
  }))
}

async function loadRun() {
  const run = await (await fetch('runs/' + runId)).json()
  $('run-title').textContent = 'Run ' + run.id + ' (' + run.file + '): ' + run.status
  $('run-title').dataset.status = run.status
  $('steps').replaceChildren(...run.steps.map(s => {
    const li = text('li', s.step, { 'data-step': s.step, 'data-status': s.status })
    li.append(text('small', ' ' + s.status + (s.attempts > 1 ? ' after ' + s.attempts + ' attempts' : '') + (s.duration_s !== null ? ' ' + s.duration_s + 's' : '')))
    li.onclick = () => openLog(s.step)
    if (s.step === stepName) li.className = 'chosen'
    return li
  }))
}

function openRun(id) {
  runId = id; stepName = null
  history.replaceState(null, '', '#run=' + id)
  $('log').textContent = ''; $('log-title').textContent = ''
  if (events) events.close()
  events = new EventSource('runs/' + id + '/events')
  events.addEventListener('step', () => loadRun())
  events.addEventListener('run', () => { loadRun(); loadRuns() })
  events.addEventListener('end', () => events.close())
  loadRun(); loadRuns()
}

function openLog(step) {
  stepName = step; logOffset = 0
  $('log').textContent = ''; $('log-title').textContent = 'Log of ' + step
  clearTimeout(logTimer)
  pollLog(runId, step)
  loadRun()
}

async function pollLog(run, step) {
  if (run !== runId || step !== stepName) return
  const res = await fetch('runs/' + run + '/steps/' + step + '/log', { headers: logOffset ? { range: 'bytes=' + logOffset + '-' } : {} })
  if (res.status === 200 || res.status === 206) {
    const chunk = await res.text()
    logOffset += new TextEncoder().encode(chunk).length
    $('log').textContent += chunk
  }
  logTimer = setTimeout(() => pollLog(run, step), 500)
}

// #run=ID opens that run: a link to share, a bookmark.
const linked = /^#run=([0-9a-f]+)$/.exec(location.hash)
if (linked) openRun(linked[1]); else loadRuns()
setInterval(loadRuns, 5000)
</script>
</html>
`
