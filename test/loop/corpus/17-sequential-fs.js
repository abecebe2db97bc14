// Each step of a callback chain is its own poll-phase callback.
const fs = require('fs')
const os = require('os')
const path = require('path')
const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'loop-')), 'x.txt')
fs.writeFile(file, 'hello', () => {
  console.log('written')
  fs.readFile(file, 'utf8', (err, text) => {
    console.log('read', text)
    fs.unlink(file, () => {
      console.log('removed')
      fs.rmdir(path.dirname(file), () => console.log('cleaned'))
    })
  })
})
/* expect
written | poll | io
read hello | poll | io
removed | poll | io
cleaned | poll | io
*/
