/**
 * GeneratingPolicy templates. Expected values: Kyverno's gpol/template scanner_test.go (TestScan,
 * TestContainsPlaceholder) and template_test.go (TestCompileAndRender, compile errors).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCelEnvironment } from '../cel/environment.ts';
import { jsonToCel } from '../cel/values.ts';
import { compileTemplate, scanPlaceholders } from './template.ts';

const scans: Array<{ name: string; input: string; want?: Array<{ literal?: string; expression?: string }>; err?: string }> = [
  { name: 'plain literal', input: 'hello', want: [{ literal: 'hello' }] },
  { name: 'whole placeholder', input: '(( variables.name ))', want: [{ expression: 'variables.name' }] },
  { name: 'embedded placeholder', input: 'prefix-(( variables.name ))-suffix', want: [{ literal: 'prefix-' }, { expression: 'variables.name' }, { literal: '-suffix' }] },
  { name: 'multiple placeholders', input: '(( a ))/(( b ))', want: [{ expression: 'a' }, { literal: '/' }, { expression: 'b' }] },
  { name: 'nested function calls', input: '(( string(f(x)) ))', want: [{ expression: 'string(f(x))' }] },
  { name: 'parenthesis in string literal', input: '(( ":)".size() ))', want: [{ expression: '":)".size()' }] },
  { name: 'escaped placeholder', input: '\\(( not a placeholder ))', want: [{ literal: '(( not a placeholder ))' }] },
  { name: 'escape followed by placeholder', input: '\\((-(( x ))', want: [{ literal: '((-' }, { expression: 'x' }] },
  { name: 'unterminated placeholder', input: '(( variables.name', err: 'unterminated placeholder' },
  { name: 'unbalanced parenthesis', input: '(( a ) b ))x', err: 'unbalanced parenthesis' },
  { name: 'empty placeholder', input: '(( ))', err: 'empty placeholder' },
  { name: 'unterminated string literal', input: '(( "abc ))', err: 'unterminated string literal' },
];

for (const s of scans) {
  test(`scan: ${s.name}`, () => {
    const r = scanPlaceholders(s.input);
    if (s.err !== undefined) {
      assert.equal(typeof r, 'string');
      assert.ok((r as string).includes(s.err), r as string);
    } else assert.deepEqual(r, s.want);
  });
}

const env = createCelEnvironment({ variables: { variables: 'dyn', object: 'dyn' } });
const activation = {
  variables: jsonToCel({
    targetName: 'myns',
    targetNamespace: 'myns',
    port: 8080,
    enabled: true,
    selector: { matchLabels: { app: 'web' } },
    labels: { team: 'dev', env: 'prod' },
    nsList: ['a', 'b'],
  }),
};

const renders: Array<{ name: string; value: string; interpolate: boolean; want?: unknown[]; err?: string }> = [
  {
    name: 'plain yaml no interpolation',
    interpolate: false,
    value: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: static\n  namespace: default\ndata:\n  key: value\n',
    want: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'static', namespace: 'default' }, data: { key: 'value' } }],
  },
  {
    name: 'placeholders inert without interpolation',
    interpolate: false,
    value: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: (( variables.targetName ))\n',
    want: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: '(( variables.targetName ))' } }],
  },
  {
    name: 'scalar interpolation',
    interpolate: true,
    value: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: (( variables.targetName ))\n  namespace: (( variables.targetNamespace ))\n',
    want: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'myns', namespace: 'myns' } }],
  },
  {
    name: 'string interpolation with prefix and suffix',
    interpolate: true,
    value: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: (( variables.targetName ))-scraping\n',
    want: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'myns-scraping' } }],
  },
  {
    name: 'structural splice of map and list',
    interpolate: true,
    value: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  labels: (( variables.labels ))\n  finalizers: (( variables.nsList ))\n',
    want: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', labels: { team: 'dev', env: 'prod' }, finalizers: ['a', 'b'] } }],
  },
  {
    name: 'mixed static and interpolated array elements',
    interpolate: true,
    value: 'apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: cnp\nspec:\n  ingress:\n  - toPorts:\n    - ports:\n      - port: (( string(variables.port) ))\n        protocol: TCP\n',
    want: [{ apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 'cnp' }, spec: { ingress: [{ toPorts: [{ ports: [{ port: '8080', protocol: 'TCP' }] }] }] } }],
  },
  {
    name: 'non-string scalar splice keeps type',
    interpolate: true,
    value: 'apiVersion: v1\nkind: Service\nmetadata:\n  name: svc\nspec:\n  port: (( variables.port ))\n  enabled: (( variables.enabled ))\n',
    want: [{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc' }, spec: { port: 8080, enabled: true } }],
  },
  {
    name: 'multi document',
    interpolate: true,
    value: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: first\n  namespace: (( variables.targetNamespace ))\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: second\n  namespace: other\n',
    want: [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'first', namespace: 'myns' } },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'second', namespace: 'other' } },
    ],
  },
  {
    name: 'escaped placeholder stays literal',
    interpolate: true,
    value: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  key: \\(( literal ))\n',
    want: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: { key: '(( literal ))' } }],
  },
  {
    name: 'embedded placeholder rejects structured result',
    interpolate: true,
    value: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: prefix-(( variables.labels ))\n',
    err: 'must evaluate to a scalar',
  },
];

for (const r of renders) {
  test(`template render: ${r.name}`, () => {
    const t = compileTemplate(env, r.value, r.interpolate);
    if ('error' in t) throw new Error(t.error);
    if (r.err !== undefined) {
      assert.throws(() => t.render(activation), (e: Error) => e.message.includes(r.err!));
    } else assert.deepEqual(t.render(activation), r.want);
  });
}

const compileErrors: Array<{ name: string; value: string; interpolate: boolean; err: string }> = [
  { name: 'malformed yaml', value: 'apiVersion: v1\nkind: [unclosed', interpolate: true, err: 'failed to parse YAML' },
  { name: 'empty template', value: '', interpolate: true, err: 'at least one YAML document' },
  { name: 'non-mapping document', value: '- a\n- b', interpolate: true, err: 'must be a mapping' },
  { name: 'invalid CEL expression', value: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: (( variables. ))\n', interpolate: true, err: 'invalid placeholder expression' },
  { name: 'unterminated placeholder', value: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "(( variables.name"\n', interpolate: true, err: 'unterminated placeholder' },
  {
    name: 'placeholder in mapping key',
    value: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  (( variables.key )): value\n',
    interpolate: true,
    err: 'placeholders are not supported in mapping keys',
  },
];

for (const c of compileErrors) {
  test(`template compile: ${c.name}`, () => {
    const t = compileTemplate(env, c.value, c.interpolate);
    assert.ok('error' in t, 'expected an error');
    assert.ok(t.error.includes(c.err), t.error);
  });
}
