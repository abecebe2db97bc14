// dns.lookup runs getaddrinfo in the thread pool; its callback comes back in poll.
const dns = require('dns')
dns.lookup('localhost', { family: 4 }, (err, address) => {
  console.log(`resolved ${address}`)
  setImmediate(() => console.log('immediate after lookup'))
})
/* expect
resolved 127.0.0.1 | poll | io
immediate after lookup | check | immediate
*/
