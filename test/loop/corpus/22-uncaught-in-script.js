// An exception in the main script: nothing queued gets to run.
console.log('first')
setTimeout(() => console.log('never printed'), 0)
process.nextTick(() => console.log('never printed either'))
null.boom
/* expect
first | main | script
! TypeError: Cannot read properties of null (reading 'boom') | main | script
*/
