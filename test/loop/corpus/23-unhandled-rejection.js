// An unhandled rejection is noticed once the microtask queue is empty, and ends the program.
Promise.reject(new Error('nobody caught me'))
process.nextTick(() => console.log('tick runs first'))
setTimeout(() => console.log('never printed'), 0)
/* expect
tick runs first | main | nextTick
! Error: nobody caught me | main | microtask
*/
