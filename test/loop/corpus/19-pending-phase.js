// A failed connect to a unix socket is reported in the pending phase of the next iteration,
// before poll and check; the socket's 'close' comes last, in the close phase.
const net = require('net')
const socket = net.connect('/nonexistent/fsh-loop-trace.sock')
socket.on('error', err => console.log(`error ${err.code}`))
socket.on('close', () => console.log('close'))
setImmediate(() => console.log('immediate'))
/* expect
error ENOENT | pending | nextTick
immediate | check | immediate
close | close | close
*/
