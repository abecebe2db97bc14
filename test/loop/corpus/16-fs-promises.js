// With fs.promises the code after await is a microtask, queued when the request completes in poll.
const fsp = require('fs/promises')
async function main() {
  console.log('reading')
  const text = await fsp.readFile(__filename, 'utf8')
  console.log('read', text.startsWith('//'))
  await fsp.stat(__filename)
  console.log('stat done')
}
main()
/* expect
reading | main | script
read true | poll | microtask
stat done | poll | microtask
*/
