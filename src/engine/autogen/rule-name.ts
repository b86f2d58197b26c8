/**
 * Names of generated rules (kyverno pkg/autogen/v1/rule.go: getAutogenRuleName, isAutogenRuleName).
 */
import { truncateGoBytes } from './go-bytes.ts';

/** Prefix of the rule generated for the non-CronJob controllers. */
export const AUTOGEN_PREFIX = 'autogen';
/** Prefix of the rule generated for CronJob. */
export const AUTOGEN_CRONJOB_PREFIX = 'autogen-cronjob';
/** Maximum rule name length, in bytes. */
const MAX_RULE_NAME_BYTES = 63;

/**
 * `<prefix>-<name>`, cut to 63 bytes (a multi-byte character cut in half keeps its leading bytes, which
 * encode as U+FFFD once the rule is serialized).
 * Example: `getAutogenRuleName('autogen', 'check-image')` -> `autogen-check-image`.
 */
export function getAutogenRuleName(prefix: string, name: string): string {
  return truncateGoBytes(`${prefix}-${name}`, MAX_RULE_NAME_BYTES);
}

/** A rule named `autogen-…` (which includes `autogen-cronjob-…`) is never a source of generation. */
export function isAutogenRuleName(name: string): boolean {
  return name.startsWith('autogen-');
}
