// Destroying a socket queues its 'close' for the close phase, after this iteration's immediates.
const net = require('net')
const server = net.createServer(s => s.resume())
server.listen(0, '127.0.0.1', () => {
  const socket = net.connect(server.address().port, '127.0.0.1')
  socket.on('connect', () => {
    console.log('connected')
    socket.destroy()
    setImmediate(() => console.log('immediate'))
    process.nextTick(() => console.log('tick'))
  })
  socket.on('close', () => {
    console.log('socket close')
    server.close()
  })
})
/* expect
connected | poll | io
tick | poll | nextTick
immediate | check | immediate
socket close | close | close
*/
