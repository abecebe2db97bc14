// Timers run in the order they fall due, whatever the order they were set.
setTimeout(() => console.log('40ms'), 40)
setTimeout(() => console.log('10ms'), 10)
setTimeout(() => console.log('25ms'), 25)
setTimeout(() => console.log('0ms'), 0)
/* expect
0ms | timers | timeout
10ms | timers | timeout
25ms | timers | timeout
40ms | timers | timeout
*/
