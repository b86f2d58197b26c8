/**
 * Go `fmt` renderings that appear in go-jmespath error texts: `%v` of a runtime value
 * (`Invalid type for: map[a:1 b:[x y]], expected: …`) and `%#v` of a `[]JpType`.
 */
import { goStringCompare } from '../utils/goconv.ts';
import { goSprintFloat } from '../utils/gofmt.ts';
import { NodeType, type Node } from './ast.ts';
import type { JpType } from './functions/types.ts';
import { ExpRef, GoInt, GoValue, MapSlice, type ObjectValue, type Value } from './values.ts';

function formatMap(m: ObjectValue): string {
  const keys = Object.keys(m).sort(goStringCompare);
  let out = 'map[';
  for (let i = 0; i < keys.length; i++) {
    if (i > 0) out += ' ';
    const k = keys[i] as string;
    out += `${k}:${formatV(m[k] as Value)}`;
  }
  return out + ']';
}

/**
 * An AST node printed without its String method (it sits behind the unexported `ref` field of
 * `expRef`): `{NodeType Value [children]}` with the node type as a number.
 */
function formatNode(n: Node): string {
  let value: string;
  if (n.value === undefined || n.value === null) value = '<nil>';
  else if (n.type === NodeType.Slice) {
    // []*int: Go prints the pointers' addresses, which cannot be reproduced
    value = '[' + (n.value as (number | null)[]).map((p) => (p === null ? '<nil>' : '0xc000000000')).join(' ') + ']';
  } else value = formatV(n.value as Value);
  return `{${n.type} ${value} [${n.children.map(formatNode).join(' ')}]}`;
}

/** `fmt.Sprintf("%v", v)` of a runtime value. */
export function formatV(v: Value): string {
  if (v === null) return '<nil>';
  switch (typeof v) {
    case 'string':
      return v;
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      return goSprintFloat(v);
    default:
      break;
  }
  if (Array.isArray(v)) return '[' + v.map(formatV).join(' ') + ']';
  if (v instanceof GoValue) {
    if (v instanceof GoInt) return String(v.value);
    if (v instanceof MapSlice) return '[' + v.items.map((m) => formatMap(m)).join(' ') + ']';
    if (v instanceof ExpRef) return `{${formatNode(v.ref)}}`;
    return '<unknown>';
  }
  return formatMap(v);
}

/** `fmt.Sprintf("%#v", types)` of a `[]jmespath.JpType`. */
export function formatJpTypes(types: readonly JpType[]): string {
  return `[]jmespath.JpType{${types.map((t) => JSON.stringify(t)).join(', ')}}`;
}
