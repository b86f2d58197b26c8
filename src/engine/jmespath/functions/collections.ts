/**
 * Kyverno's object/array functions: label_match, lookup, items, object_from_lists.
 * `items()` returns a Go `[]map[string]interface{}` (a MapSlice here), which go-jmespath treats
 * differently from a JSON array (see values.ts).
 */
import { goStringCompare } from '../../utils/goconv.ts';
import { argumentTypeError, functionError } from '../errors.ts';
import { MapSlice, deepEqualGo, isMap, type ObjectValue, type Value } from '../values.ts';
import { intNumber } from './arithmetic.ts';
import { ifaceToString } from './regex.ts';
import { arg, type FunctionFamily } from './types.ts';
import type { JsonObject } from '../../api/json.ts';

export const collectionFunctions: FunctionFamily = () => [
  {
    name: 'label_match',
    args: [arg.object, arg.object],
    returnType: ['bool'],
    note: 'object arguments must be enclosed in backticks; ex. `{{request.object.spec.template.metadata.labels}}`',
    kyverno: true,
    handler: ([labels, match]) => {
      const l = labels as ObjectValue;
      const m = match as ObjectValue;
      for (const k of Object.keys(l)) {
        if (!Object.prototype.hasOwnProperty.call(m, k) || !deepEqualGo(m[k], l[k])) return false;
      }
      return true;
    },
  },
  {
    name: 'lookup',
    args: [arg.of('object', 'array'), arg.of('string', 'number')],
    returnType: ['any'],
    note: 'returns the value corresponding to the given key/index in the given object/array',
    kyverno: true,
    handler: ([collection, key]) => {
      if (isMap(collection)) {
        if (typeof key !== 'string') throw argumentTypeError('lookup', 2, 'String');
        return Object.prototype.hasOwnProperty.call(collection, key) ? (collection[key] as Value) : null;
      }
      if (Array.isArray(collection)) {
        if (typeof key !== 'number') throw argumentTypeError('lookup', 2, 'Number');
        const i = intNumber(key);
        if (typeof i === 'string') throw functionError('lookup', `argument #2: ${i}`);
        if (i < 0 || i > collection.length - 1) return null;
        return collection[i] as Value;
      }
      throw argumentTypeError('lookup', 1, 'Object or Array');
    },
  },
  {
    name: 'items',
    args: [arg.of('object', 'array'), arg.string, arg.string],
    returnType: ['array'],
    note: 'converts a map or array to an array of objects where each key:value is an item in the array',
    kyverno: true,
    handler: ([input, keyName, valName]) => {
      const k = keyName as string;
      const v = valName as string;
      if (isMap(input)) {
        const keys = Object.keys(input).sort(goStringCompare);
        return new MapSlice(keys.map((key) => ({ [k]: key, [v]: input[key] }) as JsonObject));
      }
      if (Array.isArray(input)) {
        return new MapSlice(input.map((value, index) => ({ [k]: index, [v]: value }) as JsonObject));
      }
      throw argumentTypeError('items', 1, 'Object or Array');
    },
  },
  {
    name: 'object_from_lists',
    args: [arg.array, arg.array],
    returnType: ['object'],
    note: 'converts a pair of lists containing keys and values to an object',
    kyverno: true,
    handler: ([keys, values]) => {
      if (!Array.isArray(keys)) throw argumentTypeError('object_from_lists', 1, 'Array');
      if (!Array.isArray(values)) throw argumentTypeError('object_from_lists', 2, 'Array');
      const out: ObjectValue = {};
      for (let i = 0; i < keys.length; i++) {
        const key = ifaceToString(keys[i]);
        if (key === undefined) throw argumentTypeError('object_from_lists', 1, 'StringArray');
        out[key] = i < values.length ? (values[i] as Value) : null;
      }
      return out;
    },
  },
];
