// The same holds in the check phase: microtasks run between two immediates.
setImmediate(() => {
  console.log('immediate 1')
  Promise.resolve().then(() => console.log('promise in immediate 1'))
  process.nextTick(() => console.log('tick in immediate 1'))
})
setImmediate(() => console.log('immediate 2'))
/* expect
immediate 1 | check | immediate
tick in immediate 1 | check | nextTick
promise in immediate 1 | check | microtask
immediate 2 | check | immediate
*/
