import assert from 'node:assert/strict';
import test from 'node:test';

import { heapGrowthFlag } from './heap-growth.ts';

const cases: Array<{ name: string; percent: number; execArgv: string[]; nodeOptions?: string; want: string | undefined }> = [
  { name: 'the default is applied', percent: 50, execArgv: [], want: '--heap-growing-percent=50' },
  { name: 'another percent', percent: 100, execArgv: ['--enable-source-maps'], nodeOptions: '--max-old-space-size=512', want: '--heap-growing-percent=100' },
  { name: '0 leaves V8 its own policy', percent: 0, execArgv: [], want: undefined },
  { name: 'a negative or fractional percent is ignored', percent: -5, execArgv: [], want: undefined },
  { name: 'node given the flag on its command line wins', percent: 50, execArgv: ['--heap-growing-percent=20'], want: undefined },
  { name: 'underscore spelling on the command line', percent: 50, execArgv: ['--heap_growing_percent=20'], want: undefined },
  { name: 'NODE_OPTIONS holding the flag wins', percent: 50, execArgv: [], nodeOptions: '--max-old-space-size=512 --heap-growing-percent=80', want: undefined },
  { name: 'a similar flag is not this one', percent: 50, execArgv: ['--heap-growing-percentage-x'], want: '--heap-growing-percent=50' },
];

for (const c of cases) {
  test(`heapGrowthFlag: ${c.name}`, () => {
    assert.equal(heapGrowthFlag(c.percent, c.execArgv, c.nodeOptions), c.want);
  });
}
