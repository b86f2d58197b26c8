/**
 * Checks of `verifyImages` entries (api/kyverno/v1/image_verification_types.go `ImageVerification.Validate`
 * and its attestor checks; pkg/validation/policy/validate.go for the imageExtractors/mutateDigest rule
 * and the deprecated `predicateType` warning).
 */
import type { JsonValue } from '../api/json.ts';
import { childPath, fieldInvalid, indexPath, type PolicyValidationError } from './errors.ts';
import {
  ATTESTOR,
  ATTESTOR_SET,
  CERTIFICATE_ATTESTOR,
  goStructJson,
  IMAGE_VERIFICATION,
  KEYLESS_ATTESTOR,
  STATIC_KEY_ATTESTOR,
} from './go-types.ts';
import { obj, objects, present, str, strings, type Obj } from './rule-model.ts';

const SIGNATURE_ALGORITHMS = ['', 'sha224', 'sha256', 'sha384', 'sha512'];

function json(type: Parameters<typeof goStructJson>[0], v: JsonValue | undefined): { json: string } {
  return { json: goStructJson(type, v) };
}

/** `ImageVerification.Convert()`: the deprecated single-image form as the current one. */
export function convertImageVerification(iv: Obj): Obj {
  const image = str(iv['image']);
  const key = str(iv['key']);
  const issuer = str(iv['issuer']);
  if (image === '' && key === '' && issuer === '') return iv;
  const copy: Obj = { ...iv };
  delete copy['image'];
  delete copy['issuer'];
  delete copy['subject'];
  delete copy['roots'];
  if (image !== '') copy['imageReferences'] = [...strings(iv['imageReferences']), image];
  const annotations = obj(iv['annotations']);
  if ((annotations && Object.keys(annotations).length > 0) || key !== '' || issuer !== '') {
    const attestor: Obj = {};
    if (annotations) attestor['annotations'] = annotations;
    if (key !== '') attestor['keys'] = { publicKeys: key };
    else if (issuer !== '') attestor['keyless'] = { issuer, subject: str(iv['subject']), roots: str(iv['roots']) };
    // with attestations, Kyverno adds the set to a copy of them and then restores the originals
    if (objects(iv['attestations']).length === 0) copy['attestors'] = [...objects(iv['attestors']), { entries: [attestor] }];
  }
  return copy;
}

function validateStaticKey(ska: Obj, path: string): PolicyValidationError[] {
  const errs: PolicyValidationError[] = [];
  if (str(ska['publicKeys']) === '' && str(ska['kms']) === '' && !present(ska['secret'])) {
    errs.push(fieldInvalid(path, json(STATIC_KEY_ATTESTOR, ska), 'A public key, kms key or secret is required'));
  }
  if (str(ska['publicKeys']) !== '' && !SIGNATURE_ALGORITHMS.includes(str(ska['signatureAlgorithm']))) {
    errs.push(fieldInvalid(path, json(STATIC_KEY_ATTESTOR, ska), 'Invalid signature algorithm provided'));
  }
  return errs;
}

function validateAttestor(a: Obj, path: string): PolicyValidationError[] {
  const errs: PolicyValidationError[] = [];
  const kinds = [present(a['keys']), present(a['certificates']), present(a['keyless']), present(a['attestor'])].filter((x) => x).length;
  if (kinds !== 1) errs.push(fieldInvalid(path, json(ATTESTOR, a), 'keys, certificates, keyless, or a nested attestor is required'));
  const keys = obj(a['keys']);
  if (keys) errs.push(...validateStaticKey(keys, childPath(path, 'keys')));
  const certs = obj(a['certificates']);
  if (certs && str(certs['cert']) === '' && str(certs['certChain']) === '') {
    errs.push(fieldInvalid(childPath(path, 'certificates'), json(CERTIFICATE_ATTESTOR, certs), 'cert or certChain required'));
  }
  const keyless = obj(a['keyless']);
  if (keyless) {
    const kp = childPath(path, 'keyless');
    const rekor = obj(keyless['rekor']);
    if (!present(keyless['rekor']) && str(keyless['roots']) === '') {
      errs.push(fieldInvalid(kp, json(KEYLESS_ATTESTOR, keyless), 'Either Rekor URL or roots are required'));
    }
    if (present(keyless['rekor']) && str(rekor?.['url']) === '') errs.push(fieldInvalid(kp, json(KEYLESS_ATTESTOR, keyless), 'An URL is required'));
  }
  const nested = a['attestor'];
  if (present(nested)) {
    const ap = childPath(path, 'attestor');
    const set = obj(nested);
    if (!set) {
      const raw = goStructJson({ k: 'raw' }, nested);
      errs.push(
        fieldInvalid(ap, { json: raw }, `failed to unmarshal attestor set ${raw}: json: cannot unmarshal ${Array.isArray(nested) ? 'array' : typeof nested === 'string' ? 'string' : typeof nested === 'boolean' ? 'bool' : 'number'} into Go value of type v1.AttestorSet`),
      );
    } else {
      errs.push(...validateAttestorSet(set, ap));
    }
  }
  return errs;
}

function validateAttestorSet(as: Obj, path: string): PolicyValidationError[] {
  const errs: PolicyValidationError[] = [];
  const entries = objects(as['entries']);
  const count = as['count'];
  if (typeof count === 'number' && count > entries.length) errs.push(fieldInvalid(path, json(ATTESTOR_SET, as), 'Count cannot exceed length of entries'));
  if (entries.length === 0) errs.push(fieldInvalid(path, json(ATTESTOR_SET, as), 'An entry is required'));
  entries.forEach((e, i) => errs.push(...validateAttestor(e, indexPath(childPath(path, 'entries'), i))));
  return errs;
}

/** `ImageVerification.Validate(isAuditFailureAction, path)` */
export function validateImageVerification(iv: Obj, isAudit: boolean, path: string): PolicyValidationError[] {
  const errs: PolicyValidationError[] = [];
  const copy = convertImageVerification(iv);
  if (isAudit && iv['mutateDigest'] === true) {
    errs.push(fieldInvalid(childPath(path, 'mutateDigest'), true, 'mutateDigest must be set to false for ‘Audit’ failure action'));
  }
  if (strings(copy['imageReferences']).length === 0) errs.push(fieldInvalid(path, json(IMAGE_VERIFICATION, iv), 'An image reference is required'));
  objects(copy['attestations']).forEach((att, i) => {
    objects(att['attestors']).forEach((as, j) => {
      errs.push(...validateAttestorSet(as, indexPath(childPath(indexPath(childPath(path, 'attestations'), i), 'attestors'), j)));
    });
  });
  const attestorsPath = childPath(path, 'attestors');
  objects(copy['attestors']).forEach((as, i) => errs.push(...validateAttestorSet(as, indexPath(attestorsPath, i))));
  if (str(iv['type']) === 'Notary') {
    for (const as of objects(iv['attestors'])) {
      for (const a of objects(as['entries'])) {
        if (present(a['keyless'])) errs.push(fieldInvalid(attestorsPath, json(IMAGE_VERIFICATION, iv), 'Keyless field is not allowed for type notary'));
        if (present(a['keys'])) errs.push(fieldInvalid(attestorsPath, json(IMAGE_VERIFICATION, iv), 'Keys field is not allowed for type notary'));
      }
    }
  }
  return errs;
}

/** `validateRuleImageExtractorsJMESPath`: no JMESPath image extractors when digests are mutated. */
export function imageExtractorsError(rule: Obj): string | undefined {
  const extractors = obj(rule['imageExtractors']);
  const ivs = rule['verifyImages'];
  if (!extractors || !Array.isArray(ivs)) return undefined;
  if (!objects(ivs).some((iv) => iv['mutateDigest'] === true)) return undefined;
  for (const k of Object.keys(extractors)) {
    for (const e of objects(extractors[k])) {
      if (str(e['jmesPath']) !== '') return 'jmespath may not be used in an image extractor when mutating digests with verify images';
    }
  }
  return undefined;
}
