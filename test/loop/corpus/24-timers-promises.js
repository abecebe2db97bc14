// await on timers/promises: the timer fires in the timers phase, the code after await is a microtask.
const { setTimeout: sleep } = require('timers/promises')
async function main() {
  console.log('sleeping')
  await sleep(5)
  console.log('woke up')
  await sleep(5)
  console.log('woke up again')
}
main()
/* expect
sleeping | main | script
woke up | timers | microtask
woke up again | timers | microtask
*/
