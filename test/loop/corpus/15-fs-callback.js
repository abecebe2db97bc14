// An fs callback runs in the poll phase; what it queues drains right after it, still in poll.
const fs = require('fs')
fs.stat(__filename, (err, st) => {
  console.log('stat done', st.isFile())
  process.nextTick(() => console.log('tick after stat'))
  Promise.resolve().then(() => console.log('promise after stat'))
})
console.log('stat started')
/* expect
stat started | main | script
stat done true | poll | io
tick after stat | poll | nextTick
promise after stat | poll | microtask
*/
