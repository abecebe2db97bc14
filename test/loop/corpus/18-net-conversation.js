// A TCP conversation: accept and reads come from poll, 'end' arrives through nextTick,
// and 'close' events run in the close phase.
const net = require('net')
const server = net.createServer(socket => {
  console.log('server: connection')
  socket.write('hello')
  socket.on('end', () => console.log('server: client ended'))
  socket.on('close', () => {
    console.log('server: socket closed')
    server.close(() => console.log('server: closed'))
  })
})
server.listen(0, '127.0.0.1', () => {
  console.log('listening')
  const client = net.connect(server.address().port, '127.0.0.1')
  client.on('data', data => {
    console.log(`client: got ${data}`)
    client.destroy()
  })
  client.on('close', () => console.log('client: closed'))
})
/* expect
listening | main | nextTick
server: connection | poll | io
client: got hello | poll | io
client: closed | close | close
server: client ended | poll | nextTick
server: socket closed | close | close
server: closed | close | nextTick
*/
