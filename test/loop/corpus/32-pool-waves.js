// Six hashes on libuv's four pool threads: four start at once, two wait for a free thread. Which of
// the four finishes first is the pool's timing, so only the waves are fixed, not the order in each.
const crypto = require('crypto')
for (let i = 1; i <= 6; i++) crypto.pbkdf2('secret', 'salt', 20000, 32, 'sha256', () => console.log(`hash ${i}`))
/* order: thread pool timing */
/* expect
hash 1 | poll | io
hash 2 | poll | io
hash 3 | poll | io
hash 4 | poll | io
hash 5 | poll | io
hash 6 | poll | io
*/
