// An immediate queued from the check phase waits for the next loop iteration.
setImmediate(() => {
  console.log('A')
  setImmediate(() => console.log('C, queued by A'))
})
setImmediate(() => console.log('B'))
/* expect
A | check | immediate
B | check | immediate
C, queued by A | check | immediate
*/
