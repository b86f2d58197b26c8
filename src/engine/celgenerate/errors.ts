/** Failures while generating resources; they become the policy's error response. */

export type CelGenerateErrorCode =
  /** a template document could not be rendered */
  | 'TEMPLATE_RENDER'
  /** the generate context refused a resource (cross-namespace / cross-scope generation) */
  | 'GENERATE_DENIED'
  /** an expression, match condition or audit annotation failed */
  | 'EVALUATION';

export class CelGenerateError extends Error {
  constructor(
    readonly code: CelGenerateErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CelGenerateError';
  }
}
