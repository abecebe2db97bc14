// An interval runs until cleared; each run is a timers-phase callback of its own.
let n = 0
const iv = setInterval(() => {
  n++
  console.log(`interval ${n}`)
  if (n === 3) {
    clearInterval(iv)
    setTimeout(() => console.log('after the interval'), 20)
  }
}, 5)
/* expect
interval 1 | timers | interval
interval 2 | timers | interval
interval 3 | timers | interval
after the interval | timers | timeout
*/
