// Two async functions take turns, one microtask per await.
async function a() { console.log('a1'); await null; console.log('a2'); await null; console.log('a3') }
async function b() { console.log('b1'); await null; console.log('b2'); await null; console.log('b3') }
a()
b()
/* expect
a1 | main | script
b1 | main | script
a2 | main | microtask
b2 | main | microtask
a3 | main | microtask
b3 | main | microtask
*/
