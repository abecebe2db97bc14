// Timers run in the order they fall due, whatever the order they were set.
// (The delays are far apart: a busy machine may pause between two setTimeout calls.)
setTimeout(() => console.log('120ms'), 120)
setTimeout(() => console.log('10ms'), 10)
setTimeout(() => console.log('60ms'), 60)
setTimeout(() => console.log('0ms'), 0)
/* expect
0ms | timers | timeout
10ms | timers | timeout
60ms | timers | timeout
120ms | timers | timeout
*/
