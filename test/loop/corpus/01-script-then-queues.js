// The script runs to the end first; then nextTick, then promises; timers only once the loop starts.
setTimeout(() => console.log('timeout'), 0)
Promise.resolve().then(() => console.log('promise'))
process.nextTick(() => console.log('nextTick'))
console.log('script')
/* expect
script | main | script
nextTick | main | nextTick
promise | main | microtask
timeout | timers | timeout
*/
