// An async function runs synchronously up to its first await; the rest is a microtask.
async function work() {
  console.log('work starts')
  await null
  console.log('work resumes')
}
console.log('before')
work()
console.log('after')
/* expect
before | main | script
work starts | main | script
after | main | script
work resumes | main | microtask
*/
