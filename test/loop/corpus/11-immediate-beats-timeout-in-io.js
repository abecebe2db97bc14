// Inside an I/O callback, setImmediate always runs before setTimeout 0: check comes right after poll.
const fs = require('fs')
fs.readFile(__filename, () => {
  console.log('read')
  setTimeout(() => console.log('timeout'), 0)
  setImmediate(() => console.log('immediate'))
})
/* expect
read | poll | io
immediate | check | immediate
timeout | timers | timeout
*/
