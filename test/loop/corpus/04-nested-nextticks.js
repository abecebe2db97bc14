// A nextTick queued by a nextTick still runs before any promise: the tick queue drains completely.
Promise.resolve().then(() => console.log('promise'))
process.nextTick(() => {
  console.log('tick')
  process.nextTick(() => console.log('tick from tick'))
})
/* expect
tick | main | nextTick
tick from tick | main | nextTick
promise | main | microtask
*/
