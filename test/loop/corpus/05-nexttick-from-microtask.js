// A nextTick queued by a promise waits until the microtask queue is empty.
Promise.resolve().then(() => {
  console.log('promise 1')
  process.nextTick(() => console.log('tick from promise'))
}).then(() => console.log('promise 2'))
Promise.resolve().then(() => console.log('promise 3'))
/* expect
promise 1 | main | microtask
promise 3 | main | microtask
promise 2 | main | microtask
tick from promise | main | nextTick
*/
