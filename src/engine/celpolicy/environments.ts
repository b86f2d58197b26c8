/**
 * The CEL environments of the policy compilers, built once per `CelPolicyEnvironments` (creating one
 * costs tens of milliseconds; compiling against it is cheap):
 *
 * - `validatingPolicy(namespaced)`: Kyverno's ValidatingPolicy compiler (pkg/cel/policies/vpol/compiler):
 *   the Kubernetes and Kyverno libraries; `object`, `oldObject`, `request` (with `object`/`oldObject`),
 *   `namespaceObject`, `exceptions`, and the context libraries `resource` (namespaced form for
 *   namespaced policies), `http`, `globalContext`, `image`.
 * - `admissionPlugin({params, authorizer})`: the Kubernetes admission plugin compiler ValidatingAdmissionPolicy
 *   and `validate.cel` rules use (k8s.io/apiserver pkg/admission/plugin/cel): the Kubernetes libraries
 *   only; `object`, `oldObject`, `request` (no `object`/`oldObject`), `namespaceObject`, optionally
 *   `params` and `authorizer`.
 *
 * The typed `variables` value is added per policy (see variables.ts).
 */
import { createCelEnvironment, type CelEnvironment, type CelObjectType } from '../cel/environment.ts';
import { KUBERNETES_OBJECT_TYPES, VALIDATING_POLICY_VARIABLES } from '../cel/kubernetes-types.ts';
import type { CelLibraryContext } from '../cel/library.ts';
import { defaultCelLibraries, kubernetesCelLibraries, kyvernoCelLibraries } from '../cel/libs/index.ts';
import { imageVerifyLibrary, type ImageVerifySlot } from './image-verify-library.ts';

/** `libs.Exception`: the partial exemptions of matched CEL PolicyExceptions. */
export const EXCEPTION_TYPE: CelObjectType = {
  name: 'libs.Exception',
  fields: { allowedImages: 'list<string>', allowedValues: 'list<string>' },
};

/** Object types of the admission plugins: Kubernetes' AdmissionRequest has no object/oldObject. */
const ADMISSION_PLUGIN_TYPES: readonly CelObjectType[] = KUBERNETES_OBJECT_TYPES.map((t) => {
  if (t.name !== 'kubernetes.AdmissionRequest') return t;
  const fields: Record<string, string> = { ...t.fields };
  delete fields['object'];
  delete fields['oldObject'];
  return { name: t.name, fields };
});

export interface AdmissionPluginOptions {
  /** declares `params` (the policy has a paramKind) */
  readonly params: boolean;
  /** declares `authorizer` (and `authorizer.requestResource`) */
  readonly authorizer: boolean;
}

/** Lazily built base environments, shared by every policy compiled with this instance. */
export class CelPolicyEnvironments {
  private vpol?: CelEnvironment;
  private nvpol?: CelEnvironment;
  private readonly plugin = new Map<string, CelEnvironment>();
  private pluginBase?: CelEnvironment;
  private readonly ivpol = new Map<string, CelEnvironment>();
  private readonly ivpolBase = new Map<string, CelEnvironment>();
  /** the verifier behind the image verification functions of `imageValidatingPolicy` environments */
  readonly imageVerify: ImageVerifySlot = {};
  private readonly memos = new WeakMap<object, unknown>();

  /** `ports`: the clock and random source of `time.now()` / `random()`. */
  constructor(readonly ports: CelLibraryContext = {}) {}

  /**
   * Compiled state kept with these environments, keyed by a policy (or rule) object:
   * `envs.memo(rule, () => compile(rule))` compiles once per object.
   */
  memo<T>(key: object, make: () => T): T {
    if (this.memos.has(key)) return this.memos.get(key) as T;
    const v = make();
    this.memos.set(key, v);
    return v;
  }

  /** The ValidatingPolicy environment (namespaced policies get the namespaced `resource` library). */
  validatingPolicy(namespaced: boolean): CelEnvironment {
    const make = (resource: string): CelEnvironment =>
      createCelEnvironment({
        objectTypes: [...KUBERNETES_OBJECT_TYPES, EXCEPTION_TYPE],
        variables: { ...VALIDATING_POLICY_VARIABLES, resource, exceptions: EXCEPTION_TYPE.name },
        libraries: defaultCelLibraries,
        ports: this.ports,
      });
    if (namespaced) return (this.nvpol ??= make('resource.NamespacedContext'));
    return (this.vpol ??= make('resource.Context'));
  }

  /**
   * The ImageValidatingPolicy environment (kyverno/pkg/image/verification/evaluator compiler.go): the
   * Kubernetes libraries and Kyverno's (but x509) plus the image verification functions; `object`,
   * `images`, `attestors`, `attestations`, the context libraries, and in Kubernetes mode `request`,
   * `namespaceObject`, `oldObject`.
   */
  imageValidatingPolicy(namespaced: boolean, kubernetes: boolean): CelEnvironment {
    const key = `${namespaced ? 'n' : ''}${kubernetes ? 'k' : ''}`;
    let env = this.ivpol.get(key);
    if (env) return env;
    const baseKey = namespaced ? 'n' : 'c';
    let base = this.ivpolBase.get(baseKey);
    if (!base) {
      base = createCelEnvironment({
        objectTypes: KUBERNETES_OBJECT_TYPES,
        variables: {
          object: 'dyn',
          images: 'map<string, list<string>>',
          attestors: 'map<string, dyn>',
          attestations: 'map<string, string>',
          resource: namespaced ? 'resource.NamespacedContext' : 'resource.Context',
          http: 'http.Context',
          globalContext: 'globalcontext.Context',
          image: 'imagedata.Context',
        },
        libraries: [...kubernetesCelLibraries, ...kyvernoCelLibraries.filter((l) => l.name !== 'kyverno.x509'), imageVerifyLibrary(this.imageVerify)],
        ports: this.ports,
      });
      this.ivpolBase.set(baseKey, base);
    }
    const variables: Record<string, string> = {};
    if (kubernetes) {
      variables['request'] = 'kubernetes.AdmissionRequest';
      variables['namespaceObject'] = 'kubernetes.Namespace';
      variables['oldObject'] = 'dyn';
    }
    env = Object.keys(variables).length === 0 ? base : base.extend({ variables });
    this.ivpol.set(key, env);
    return env;
  }

  /** The admission plugin environment for one combination of optional variables. */
  admissionPlugin(opts: AdmissionPluginOptions): CelEnvironment {
    const key = `${opts.params ? 'p' : ''}${opts.authorizer ? 'a' : ''}`;
    let env = this.plugin.get(key);
    if (env) return env;
    this.pluginBase ??= createCelEnvironment({
      objectTypes: ADMISSION_PLUGIN_TYPES,
      variables: {
        object: 'dyn',
        oldObject: 'dyn',
        request: 'kubernetes.AdmissionRequest',
        namespaceObject: 'kubernetes.Namespace',
      },
      libraries: kubernetesCelLibraries,
      ports: this.ports,
    });
    const variables: Record<string, string> = {};
    if (opts.params) variables['params'] = 'dyn';
    if (opts.authorizer) variables['authorizer'] = 'kubernetes.authorization.Authorizer';
    env = Object.keys(variables).length === 0 ? this.pluginBase : this.pluginBase.extend({ variables });
    this.plugin.set(key, env);
    return env;
  }
}
