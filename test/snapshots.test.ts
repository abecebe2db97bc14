// The transcripts in snapshots/ and the README's sessions, replayed (see scripts/snapshots.ts).
import { test } from 'uvu'
import { runTranscript, transcriptFiles } from '../scripts/snapshots.ts'

for (const file of transcriptFiles()) {
  test(`transcript ${file.split('/').slice(-2).join('/')}`, async () => {
    const r = await runTranscript(file)
    if (r.failures.length) throw new Error(`${r.failures.length} of ${r.commands} commands differ:\n\n${r.failures.join('\n\n')}`)
  })
}

test.run()
