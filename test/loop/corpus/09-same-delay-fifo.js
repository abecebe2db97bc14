// Timers with the same delay run in the order they were set; 0 is really 1ms.
setTimeout(() => console.log('first 1ms'), 1)
setTimeout(() => console.log('second 0ms'), 0)
setTimeout(() => console.log('third 1ms'), 1)
/* expect
first 1ms | timers | timeout
second 0ms | timers | timeout
third 1ms | timers | timeout
*/
