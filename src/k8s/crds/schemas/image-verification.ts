/**
 * Image verification (api/kyverno/v1 image_verification_types.go, v2beta1
 * image_verification_types.go): `verifyImages` entries, attestor sets and attestations. The attestor
 * set is shared with `validate.manifests`.
 */
import type { JSONSchemaProps } from '../types.ts';
import { anyJson, arr, bool, int, obj, oneOfStrings, str, stringMap, strings } from './builders.ts';
import { anyAllConditionsV1 } from './conditions.ts';
import { imageRegistryCredentials } from './context.ts';

/** kyvernov1.ImageVerificationType values. */
export const IMAGE_VERIFICATION_TYPES = ['Cosign', 'SigstoreBundle', 'Notary'] as const;

const rekor = (): JSONSchemaProps => obj({ ignoreTlog: bool(), pubkey: str(), url: str() });
const ctlog = (): JSONSchemaProps => obj({ ignoreSCT: bool(), pubkey: str(), tsaCertChain: str() });

/** kyvernov1.Attestor: one of keys, certificates, keyless or a nested attestor set. */
export const attestor = (): JSONSchemaProps =>
  obj({
    annotations: stringMap(),
    attestor: anyJson(),
    certificates: obj({ cert: str(), certChain: str(), ctlog: ctlog(), rekor: rekor() }),
    keyless: obj({
      additionalExtensions: stringMap(),
      ctlog: ctlog(),
      issuer: str(),
      issuerRegExp: str(),
      rekor: rekor(),
      roots: str(),
      subject: str(),
      subjectRegExp: str(),
    }),
    keys: obj({
      ctlog: ctlog(),
      kms: str(),
      publicKeys: str(),
      rekor: rekor(),
      secret: obj({ name: str(), namespace: str() }, { required: ['name', 'namespace'] }),
      signatureAlgorithm: str({ default: 'sha256' }),
    }),
    repository: str(),
    signatureAlgorithm: str({ default: 'sha256' }),
  });

/** kyvernov1.AttestorSet. */
export const attestorSet = (): JSONSchemaProps => obj({ count: int({ minimum: 1 }), entries: arr(attestor()) });

/** kyvernov1.Attestation. */
export const attestation = (): JSONSchemaProps =>
  obj({
    attestors: arr(attestorSet()),
    conditions: arr(anyAllConditionsV1()),
    name: str(),
    predicateType: str(),
    type: str(),
  });

/** kyvernov1.ValidateImageVerification. */
export const validateImageVerification = (): JSONSchemaProps =>
  obj({ deny: obj({ conditions: anyJson() }), message: str() });

/** Fields common to v1 and v2beta1 ImageVerification. */
const commonFields = (): Record<string, JSONSchemaProps> => ({
  attestations: arr(attestation()),
  attestors: arr(attestorSet()),
  failureAction: oneOfStrings(['Audit', 'Enforce']),
  imageReferences: strings(),
  imageRegistryCredentials: imageRegistryCredentials(),
  mutateDigest: bool({ default: true }),
  repository: str(),
  required: bool({ default: true }),
  skipImageReferences: strings(),
  type: oneOfStrings(IMAGE_VERIFICATION_TYPES),
  useCache: bool({ default: true }),
  validate: validateImageVerification(),
  verifyDigest: bool({ default: true }),
});

/** kyvernov1.ImageVerification (with the deprecated single-attestor fields). */
export const imageVerificationV1 = (): JSONSchemaProps =>
  obj({
    ...commonFields(),
    additionalExtensions: stringMap(),
    annotations: stringMap(),
    cosignOCI11: bool(),
    image: str(),
    issuer: str(),
    key: str(),
    roots: str(),
    subject: str(),
  });

/** kyvernov2beta1.ImageVerification. */
export const imageVerificationV2 = (): JSONSchemaProps => obj(commonFields());
