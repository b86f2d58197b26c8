/**
 * The function table: go-jmespath's built-ins plus Kyverno's functions (Kyverno's `sum` replaces the
 * built-in one), and the declaration table printed by `kyverno jp function`.
 */
import { arithmeticFunctions } from './arithmetic.ts';
import { builtinFunctions } from './builtins.ts';
import { collectionFunctions } from './collections.ts';
import { encodingFunctions } from './encoding.ts';
import { hashFunctions } from './hash.ts';
import { imageFunctions } from './images.ts';
import { networkFunctions } from './network.ts';
import { pathFunctions } from './paths.ts';
import { randomFunctions } from './random.ts';
import { regexFunctions } from './regex.ts';
import { semverFunctions } from './semver.ts';
import { stringFunctions } from './strings.ts';
import { timeFunctions } from './time.ts';
import { x509Functions } from './x509.ts';
import type { FunctionDef, FunctionEnv, FunctionFamily, JpType } from './types.ts';

/** Built-ins first: Kyverno's functions (its `sum`) override them. */
const families: readonly FunctionFamily[] = [
  builtinFunctions,
  stringFunctions,
  regexFunctions,
  collectionFunctions,
  arithmeticFunctions,
  encodingFunctions,
  timeFunctions,
  pathFunctions,
  hashFunctions,
  imageFunctions,
  networkFunctions,
  randomFunctions,
  semverFunctions,
  x509Functions,
];

/** All functions bound to an environment, by name (later families override earlier ones). */
export function buildFunctionTable(env: FunctionEnv): Map<string, FunctionDef> {
  const table = new Map<string, FunctionDef>();
  for (const family of families) for (const def of family(env)) table.set(def.name, def);
  return table;
}

/** One row of the declaration table. */
export interface FunctionDeclaration {
  readonly name: string;
  /** argument types as Kyverno prints them: `string, string|number` */
  readonly arguments: string;
  /** return types as Kyverno prints them: `string`, `number,string` */
  readonly returnType: string;
  readonly note: string;
  /** true for Kyverno's functions (the ones `kyverno jp function` lists) */
  readonly kyverno: boolean;
}

function typesText(types: readonly JpType[]): string {
  return types.join('|');
}

const unboundEnv: FunctionEnv = {
  clock: {
    now(): Date {
      throw new Error('declarations only');
    },
  },
};

function declarations(): FunctionDeclaration[] {
  const out: FunctionDeclaration[] = [];
  for (const def of buildFunctionTable(unboundEnv).values()) {
    out.push({
      name: def.name,
      arguments: def.args.map((a) => typesText(a.types)).join(', '),
      returnType: def.returnType.join(','),
      note: def.note,
      kyverno: def.kyverno,
    });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Every function (go-jmespath built-ins and Kyverno's), sorted by name. */
export const functionDeclarations: readonly FunctionDeclaration[] = declarations();

/**
 * Kyverno's signature line (`FunctionEntry.String()`): `compare(string, string) number`, followed by
 * ` (<note>)` when `withNote`.
 */
export function functionSignature(d: FunctionDeclaration, withNote = false): string {
  const sig = `${d.name}(${d.arguments}) ${d.returnType}`;
  return withNote && d.note !== '' ? `${sig} (${d.note})` : sig;
}
