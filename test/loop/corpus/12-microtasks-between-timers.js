// Since Node 11, microtasks drain after every timer callback, not after the whole timers phase.
setTimeout(() => {
  console.log('timer 1')
  process.nextTick(() => console.log('tick in timer 1'))
  Promise.resolve().then(() => console.log('promise in timer 1'))
}, 0)
setTimeout(() => console.log('timer 2'), 0)
/* expect
timer 1 | timers | timeout
tick in timer 1 | timers | nextTick
promise in timer 1 | timers | microtask
timer 2 | timers | timeout
*/
