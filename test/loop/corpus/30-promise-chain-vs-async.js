// Returning a promise from an async function costs two extra microtask turns: the value
// lands after two plain thens, not after one.
async function f() { return Promise.resolve('async return') }
f().then(v => console.log(v))
Promise.resolve()
  .then(() => console.log('then 1'))
  .then(() => console.log('then 2'))
  .then(() => console.log('then 3'))
  .then(() => console.log('then 4'))
/* expect
then 1 | main | microtask
then 2 | main | microtask
async return | main | microtask
then 3 | main | microtask
then 4 | main | microtask
*/
