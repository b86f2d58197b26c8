/**
 * Shared runner for table-driven JMESPath tests. Expected values were produced by Kyverno's Go code
 * (go-jmespath fork + pkg/engine/jmespath functions) or come from Kyverno's own test tables.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonValue } from '../api/json.ts';
import { createJmesPath, type JmesPathEnv } from './index.ts';

export interface Row {
  expr: string;
  data?: JsonValue;
  /** expected result */
  want?: JsonValue;
  /** expected NotFoundError message */
  notFound?: string;
  /** expected JmesPathError message (any code but JMESPATH_PANIC) */
  error?: string;
  /** expected Go panic text (JmesPathError JMESPATH_PANIC) */
  panic?: string;
  /** expected non-finite number result (Go returns NaN/±Inf, which JSON cannot encode) */
  nonFinite?: number;
  /** compare array results ignoring order (Go's map iteration order is random) */
  unordered?: boolean;
}

function canon(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canon).sort().join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canon((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

export const fixedEnv: JmesPathEnv = {
  clock: { now: () => new Date('2024-03-04T05:06:07.890Z') },
  random: { next: () => 0.5 },
};

/** Runs one test per row under `name`. */
export function runRows(name: string, rows: readonly Row[], env: JmesPathEnv = fixedEnv): void {
  const jp = createJmesPath(env);
  for (const [i, row] of rows.entries()) {
    test(`${name} #${i}: ${row.expr}`, () => {
      const data = row.data === undefined ? null : row.data;
      let result: JsonValue | undefined;
      let error: (Error & { code?: string }) | undefined;
      try {
        result = jp.search(row.expr, data);
      } catch (err) {
        error = err as Error & { code?: string };
      }
      if (row.notFound !== undefined) {
        assert.equal(error?.code, 'JMESPATH_NOT_FOUND', `expected NotFoundError, got ${error?.message ?? JSON.stringify(result)}`);
        assert.equal(error?.message, row.notFound);
      } else if (row.panic !== undefined) {
        assert.equal(error?.code, 'JMESPATH_PANIC', `expected panic, got ${error?.message ?? JSON.stringify(result)}`);
        assert.equal(error?.message, row.panic);
      } else if (row.error !== undefined) {
        assert.ok(error !== undefined, `expected error ${row.error}, got ${JSON.stringify(result)}`);
        assert.notEqual(error.code, 'JMESPATH_PANIC');
        assert.notEqual(error.code, 'JMESPATH_NOT_FOUND');
        assert.equal(error.message, row.error);
      } else if (row.nonFinite !== undefined) {
        if (error) throw error;
        assert.ok(Object.is(result, row.nonFinite), `expected ${row.nonFinite}, got ${String(result)}`);
      } else {
        if (error) throw error;
        if (row.unordered) assert.equal(canon(result), canon(row.want));
        else assert.deepEqual(result, row.want);
      }
    });
  }
}
