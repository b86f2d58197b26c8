/**
 * The image verification functions of ImageValidatingPolicies (kyverno/pkg/cel/libs/imageverify):
 * `verifyImageSignatures(image, attestors)`, `verifyAttestationSignatures(image, attestation,
 * attestors)`, `getImageData(image)`, `extractPayload(image, attestation)`. They need the images'
 * registry data; the calls go to the verifier the evaluating policy puts in the library's slot
 * (`ImageVerifySlot.current`) for the duration of its synchronous evaluation.
 */
import type { CelLibrary } from '../cel/library.ts';
import { fail } from '../cel/errors.ts';
import { celToJson } from '../cel/values.ts';

/** What an evaluating policy answers for the verification functions. */
export interface ImageVerifier {
  verifyImageSignatures(image: string, attestors: unknown): bigint;
  verifyAttestationSignatures(image: string, attestation: string, attestors: unknown): bigint;
  getImageData(image: string): unknown;
  extractPayload(image: string, attestation: string): unknown;
}

/** The verifier in charge; set around an evaluation. */
export interface ImageVerifySlot {
  current?: ImageVerifier;
}

function verifier(slot: ImageVerifySlot): ImageVerifier {
  return slot.current ?? fail('image verification is not available here');
}

/** The library bound to `slot`. */
export function imageVerifyLibrary(slot: ImageVerifySlot): CelLibrary {
  return {
    name: 'kyverno.imageverify',
    register(env) {
      env.registerFunction('verifyImageSignatures(string, list<dyn>): int', (image: string, attestors: unknown) =>
        verifier(slot).verifyImageSignatures(image, celToJson(attestors)));
      env.registerFunction('verifyAttestationSignatures(string, string, list<dyn>): int', (image: string, attestation: string, attestors: unknown) =>
        verifier(slot).verifyAttestationSignatures(image, attestation, celToJson(attestors)));
      env.registerFunction('getImageData(string): dyn', (image: string) => verifier(slot).getImageData(image));
      env.registerFunction('extractPayload(string, string): dyn', (image: string, attestation: string) => verifier(slot).extractPayload(image, attestation));
    },
  };
}
