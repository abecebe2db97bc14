// Timers run in the order they fall due, whatever the order they were set.
// (The delays are far apart: a busy machine may pause between two setTimeout calls.)
setTimeout(() => console.log('600ms'), 600)
setTimeout(() => console.log('50ms'), 50)
setTimeout(() => console.log('300ms'), 300)
setTimeout(() => console.log('0ms'), 0)
/* expect
0ms | timers | timeout
50ms | timers | timeout
300ms | timers | timeout
600ms | timers | timeout
*/
