// pipe's flags; `--step` and `--tee` repeat, and their values keep their order.

export const FLAGS = {
  step: { type: 'strings', describe: 'a command line to run as the next step (once per step)', arg: 'CMD' },
  'fail-fast': { type: 'boolean', describe: 'the first failing step kills the others; exit with its code (the default)' },
  'best-effort': { type: 'boolean', describe: 'let every step run to its end; exit status as with pipefail' },
  timeout: { type: 'duration', describe: 'kill every step after this long; exit 124', arg: 'DURATION' },
  tee: { type: 'strings', describe: 'copy the output to FILE; N:FILE copies the output of step N', arg: '[N:]FILE' },
  'capture-stderr': { type: 'size', describe: "bytes of each step's stderr kept for the report (default 64KiB; 0: none)", arg: 'SIZE' },
  report: { type: 'string', describe: 'write the report to FILE as NDJSON, one record per step', arg: 'FILE' },
  'dry-run': { type: 'boolean', describe: 'print what each step would run, and exit' },
} as const
