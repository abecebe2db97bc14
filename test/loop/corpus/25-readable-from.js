// Stream events arrive through nextTick, never synchronously: 'data' for both chunks comes from
// the tick that resumes the stream, 'end' from a tick of its own.
const { Readable } = require('stream')
const r = Readable.from(['a', 'b'])
r.on('data', d => console.log(`data ${d}`))
r.on('end', () => console.log('end'))
console.log('script')
/* expect
script | main | script
data a | main | nextTick
data b | main | nextTick
end | main | nextTick
*/
