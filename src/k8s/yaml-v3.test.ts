import { test } from 'node:test';
import assert from 'node:assert/strict';
import { naturalKeyLess, toYamlV3 } from './yaml-v3.ts';

// Expected texts are what go.yaml.in/yaml/v3 Marshal writes for the same map[string]interface{} values
// (checked against Kyverno's CLI output for mutated resources).
const cases: Array<{ name: string; value: unknown; yaml: string }> = [
  {
    name: 'nested maps, sorted keys, 4-space indentation',
    value: { kind: 'Pod', apiVersion: 'v1', metadata: { name: 'p', labels: { b: 'x', a: 'y' } } },
    yaml: 'apiVersion: v1\nkind: Pod\nmetadata:\n    labels:\n        a: "y"\n        b: x\n    name: p\n',
  },
  {
    name: 'sequences of maps: keys two columns after the dash, children from the dash',
    value: { containers: [{ name: 'c', args: ['a', 'yes', '1.0', '~'], ports: [{ containerPort: 80 }] }, { name: 'd', resources: {} }], volumes: [] },
    yaml:
      'containers:\n    - args:\n        - a\n        - "yes"\n        - "1.0"\n        - "~"\n      name: c\n      ports:\n        - containerPort: 80\n    - name: d\n      resources: {}\nvolumes: []\n',
  },
  {
    name: 'multi-line strings as literal blocks with chomping',
    value: { a: 'l1\nl2', b: 'l1\n', c: 'l1\n\n' },
    yaml: 'a: |-\n    l1\n    l2\nb: |\n    l1\nc: |+\n    l1\n\n',
  },
  {
    name: 'strings that need quotes',
    value: { empty: '', colon: 'a: b', hash: 'x #y', star: '*x', num: '123', bool: 'true', nul: 'null', plain: 'hello world' },
    yaml: 'bool: "true"\ncolon: \'a: b\'\nempty: ""\nhash: \'x #y\'\nnul: "null"\nnum: "123"\nplain: hello world\nstar: \'*x\'\n',
  },
  {
    name: 'scalars',
    value: { i: 3, f: 0.5, t: true, n: null },
    // yaml.v3 quotes the YAML 1.1 booleans y/n/yes/no/on/off, keys included
    yaml: 'f: 0.5\ni: 3\n"n": null\nt: true\n',
  },
];

for (const c of cases) {
  test(`toYamlV3: ${c.name}`, () => {
    assert.equal(toYamlV3(c.value), c.yaml);
  });
}

test('naturalKeyLess: digit runs compare as numbers, letters before digits after a digit run', () => {
  const keys = ['a10', 'a9', 'b', 'a', 'a1b', 'a1'];
  const sorted = [...keys].sort((x, y) => (naturalKeyLess(x, y) ? -1 : naturalKeyLess(y, x) ? 1 : 0));
  assert.deepEqual(sorted, ['a', 'a1', 'a1b', 'a9', 'a10', 'b']);
});
