/**
 * Kyverno's semver_compare(version, range): blang/semver — a version that does not parse counts as
 * `0.0.0`; a range that does not parse is an error with blang's text
 * (`Could not get version from string: "bad"`). `semver_compare('1.8.6', '>1.0.0 <2.0.0')` = true.
 */
import { SemverRangeError, semverCompareRange } from '../../utils/semver.ts';
import { goError } from '../errors.ts';
import { arg, type FunctionFamily } from './types.ts';

export const semverFunctions: FunctionFamily = () => [
  {
    name: 'semver_compare',
    args: [arg.string, arg.string],
    returnType: ['bool'],
    note: 'compares two strings which comply with the semantic versioning schema and outputs a boolean response as to the position of the second relative to the first',
    kyverno: true,
    handler: ([version, range]) => {
      try {
        return semverCompareRange(version as string, range as string);
      } catch (err) {
        if (err instanceof SemverRangeError) throw goError(err.message);
        throw err;
      }
    },
  },
];
