// queueMicrotask and promise reactions share one FIFO queue.
Promise.resolve().then(() => console.log('then A'))
queueMicrotask(() => console.log('queueMicrotask'))
Promise.resolve().then(() => console.log('then B'))
/* expect
then A | main | microtask
queueMicrotask | main | microtask
then B | main | microtask
*/
