/**
 * The library sets: `kubernetesCelLibraries` is what Kyverno's policy compilers install from cel-go
 * and Kubernetes (k8s.io/apiserver pkg/cel/library + cel-go ext: the StoredExpressions base
 * environment plus Kyverno's `DefaultEnvOptions`), `kyvernoCelLibraries` Kyverno's own
 * (github.com/kyverno/sdk extensions/cel/libs); `defaultCelLibraries` is both.
 */
import type { CelLibrary } from '../library.ts';
import { authzLibrary } from './authz.ts';
import { builtinsLibrary } from './builtins.ts';
import { cidrLibrary } from './cidr.ts';
import { comprehensionsLibrary } from './comprehensions.ts';
import { encodersLibrary } from './encoders.ts';
import { formatLibrary } from './format.ts';
import { ipLibrary } from './ip.ts';
import { k8sListsLibrary } from './k8s-lists.ts';
import { kyvernoGlobalContextLibrary } from './kyverno-globalcontext.ts';
import { kyvernoHashLibrary } from './kyverno-hash.ts';
import { kyvernoHttpLibrary } from './kyverno-http.ts';
import { kyvernoImageLibrary } from './kyverno-image.ts';
import { kyvernoImageDataLibrary } from './kyverno-imagedata.ts';
import { kyvernoJsonLibrary } from './kyverno-json.ts';
import { kyvernoMathLibrary } from './kyverno-math.ts';
import { kyvernoRandomLibrary } from './kyverno-random.ts';
import { kyvernoResourceLibrary } from './kyverno-resource.ts';
import { kyvernoTimeLibrary } from './kyverno-time.ts';
import { kyvernoTransformLibrary } from './kyverno-transform.ts';
import { kyvernoUserLibrary } from './kyverno-user.ts';
import { kyvernoX509Library } from './kyverno-x509.ts';
import { kyvernoYamlLibrary } from './kyverno-yaml.ts';
import { listsExtLibrary } from './lists-ext.ts';
import { mathExtLibrary } from './math-ext.ts';
import { quantityLibrary } from './quantity.ts';
import { regexExtLibrary, regexLibrary } from './regex.ts';
import { semverLibrary } from './semver.ts';
import { setsExtLibrary } from './sets-ext.ts';
import { stringsExtLibrary } from './strings-ext.ts';
import { urlLibrary } from './url.ts';

export const kubernetesCelLibraries: readonly CelLibrary[] = [
  builtinsLibrary,
  stringsExtLibrary,
  listsExtLibrary,
  setsExtLibrary,
  mathExtLibrary,
  encodersLibrary,
  regexLibrary,
  regexExtLibrary,
  k8sListsLibrary,
  quantityLibrary,
  urlLibrary,
  ipLibrary,
  cidrLibrary,
  semverLibrary,
  formatLibrary,
  comprehensionsLibrary,
  authzLibrary,
];

export const kyvernoCelLibraries: readonly CelLibrary[] = [
  kyvernoResourceLibrary,
  kyvernoHttpLibrary,
  kyvernoGlobalContextLibrary,
  kyvernoImageLibrary,
  kyvernoImageDataLibrary,
  kyvernoUserLibrary,
  kyvernoJsonLibrary,
  kyvernoYamlLibrary,
  kyvernoTimeLibrary,
  kyvernoHashLibrary,
  kyvernoMathLibrary,
  kyvernoRandomLibrary,
  kyvernoTransformLibrary,
  kyvernoX509Library,
];

export const defaultCelLibraries: readonly CelLibrary[] = [...kubernetesCelLibraries, ...kyvernoCelLibraries];
