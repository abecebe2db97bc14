// An exception in a callback ends the program: later timers never run.
console.log('start')
setTimeout(() => {
  console.log('in timer')
  throw new Error('boom')
}, 0)
setTimeout(() => console.log('never printed'), 5)
/* expect
start | main | script
in timer | timers | timeout
! Error: boom | timers | timeout
*/
