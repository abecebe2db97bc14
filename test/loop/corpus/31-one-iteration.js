// A timer and the immediate it schedules share one iteration of the loop (timers, then check);
// the timer the immediate sets runs in a later one. The busy wait makes the first timer due as
// the loop starts.
setTimeout(() => {
  console.log('A')
  setImmediate(() => {
    console.log('B')
    setTimeout(() => console.log('C'), 0)
  })
}, 0)
const start = Date.now()
while (Date.now() - start < 5);
/* expect
A | timers | timeout
B | check | immediate
C | timers | timeout
*/
