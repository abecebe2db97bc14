// 'exit' listeners run once the loop has nothing left: after the last phase.
process.on('exit', code => console.log(`exit ${code}`))
setTimeout(() => console.log('timer'), 0)
/* expect
timer | timers | timeout
exit 0 | close | script
*/
