// The classic: every queue at once, inside an I/O callback so the order is fixed.
const fs = require('fs')
fs.readFile(__filename, () => {
  setTimeout(() => console.log('1: timeout'), 0)
  setImmediate(() => console.log('2: immediate'))
  Promise.resolve().then(() => console.log('3: promise'))
  process.nextTick(() => console.log('4: nextTick'))
  queueMicrotask(() => console.log('5: queueMicrotask'))
  console.log('6: sync in callback')
})
console.log('7: script')
/* expect
7: script | main | script
6: sync in callback | poll | io
4: nextTick | poll | nextTick
3: promise | poll | microtask
5: queueMicrotask | poll | microtask
2: immediate | check | immediate
1: timeout | timers | timeout
*/
