// Written first, run second: the nextTick queue drains before the microtask queue.
Promise.resolve().then(() => console.log('promise 1'))
Promise.resolve().then(() => console.log('promise 2'))
process.nextTick(() => console.log('tick 1'))
process.nextTick(() => console.log('tick 2'))
/* expect
tick 1 | main | nextTick
tick 2 | main | nextTick
promise 1 | main | microtask
promise 2 | main | microtask
*/
