/**
 * ImageValidatingPolicy / NamespacedImageValidatingPolicy (policies.kyverno.io): image references to
 * match, attestors (cosign or notary), attestations and CEL validations over the verified images.
 */
import type { JSONSchemaProps } from '../types.ts';
import { arr, atomicList, atomicObj, bool, exactlyOneOf, obj, str, stringMap } from './builders.ts';
import { admissionMatchResources, auditAnnotation, matchCondition, validationExpression, variable } from './admission.ts';
import {
  autogenStatus,
  celFailurePolicy,
  celWebhookConfiguration,
  podControllersAutogen,
  validatingEvaluation,
} from './cel-common.ts';
import { imageRegistryCredentials } from './context.ts';
import { resourceRoot } from './meta.ts';
import { validationActions } from './validating-policy.ts';

/** A value given inline or computed by a CEL expression (exactly one). */
const valueOrExpression = (): JSONSchemaProps =>
  obj({ expression: str(), value: str() }, { oneOf: exactlyOneOf('value', 'expression') });

/** Cosign verification settings. */
export const cosign = (): JSONSchemaProps =>
  obj({
    annotations: stringMap(),
    certificate: obj({ cert: valueOrExpression(), certChain: valueOrExpression() }),
    ctlog: obj({
      ctLogPubKey: str(),
      insecureIgnoreSCT: bool(),
      insecureIgnoreTlog: bool(),
      rekorPubKey: str(),
      tsaCertChain: str(),
      url: str(),
    }),
    key: obj({ data: str(), expression: str(), hashAlgorithm: str(), kms: str() }),
    keyless: obj(
      {
        additionalExtensions: stringMap(),
        identities: arr(
          obj({ issuer: str(), issuerRegExp: str(), subject: str(), subjectExpression: str(), subjectRegExp: str() }),
        ),
        roots: str(),
      },
      { required: ['identities'] },
    ),
    source: obj({
      PullSecrets: arr(atomicObj({ name: str({ default: '' }) })),
      repository: str(),
      tagPrefix: str(),
    }),
    trustedRoot: valueOrExpression(),
    tuf: obj({ mirror: str(), root: obj({ data: str(), path: str() }) }),
  });

/** Notary verification settings. */
export const notary = (): JSONSchemaProps => obj({ certs: valueOrExpression(), tsaCerts: valueOrExpression() });

/** An attestor: cosign or notary. */
export const imageAttestor = (): JSONSchemaProps =>
  obj({ cosign: cosign(), name: str(), notary: notary() }, { oneOf: exactlyOneOf('cosign', 'notary'), required: ['name'] });

/** An attestation to fetch (in-toto or OCI referrer). */
export const imageAttestation = (): JSONSchemaProps =>
  obj(
    {
      intoto: obj({ type: str() }, { required: ['type'] }),
      name: str(),
      referrer: obj({ type: str() }, { required: ['type'] }),
    },
    { required: ['name'] },
  );

/** ImageValidatingPolicySpec. */
export const imageValidatingPolicySpec = (): JSONSchemaProps =>
  obj(
    {
      attestations: arr(imageAttestation()),
      attestors: arr(imageAttestor()),
      auditAnnotations: atomicList(auditAnnotation()),
      autogen: obj({ podControllers: podControllersAutogen() }),
      credentials: imageRegistryCredentials(),
      evaluation: validatingEvaluation(),
      failurePolicy: celFailurePolicy(),
      images: arr(obj({ expression: str(), name: str() }, { required: ['expression', 'name'] })),
      matchConditions: arr(matchCondition()),
      matchConstraints: admissionMatchResources(),
      matchImageReferences: arr(obj({ expression: str(), glob: str() }, { oneOf: exactlyOneOf('glob', 'expression') })),
      validationActions: validationActions(),
      validationConfigurations: obj(
        { mutateDigest: bool({ default: true }), required: bool({ default: true }), verifyDigest: bool({ default: true }) },
        { default: {} },
      ),
      validations: atomicList(validationExpression()),
      variables: arr(variable()),
      webhookConfiguration: celWebhookConfiguration(),
    },
    { required: ['attestors', 'validations'] },
  );

/** ImageValidatingPolicy and NamespacedImageValidatingPolicy. */
export const imageValidatingPolicy = (): JSONSchemaProps =>
  resourceRoot({ spec: imageValidatingPolicySpec(), status: autogenStatus(imageValidatingPolicySpec, false) }, ['spec']);
