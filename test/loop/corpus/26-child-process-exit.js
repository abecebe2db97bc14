// A child's exit is reported by libuv in the poll phase; with no pipes 'close' follows at once.
const { spawn } = require('child_process')
const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' })
child.on('exit', code => console.log(`exit ${code}`))
child.on('close', code => console.log(`close ${code}`))
console.log('spawned')
/* expect
spawned | main | script
exit 0 | poll | io
close 0 | poll | io
*/
