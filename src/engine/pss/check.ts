/**
 * The check model (k8s.io/pod-security-admission `policy/checks.go`, with the field errors of Kyverno's
 * fork): a Check has an ID, a level, and versions as data; a version is a pure function of the pod.
 */
import type { Version } from './api.ts';
import { compareGoStrings } from './pod.ts';
import type { ContainerView, PodMeta, PodSpecView } from './pod.ts';

/** Upstream check IDs (`privileged`, `capabilities_restricted`, ...). */
export type CheckID = string;

/**
 * A bad value as the fork stores it in `field.Error.BadValue`: a string, a bool, an int, a sorted
 * string list, or nothing. (`Forbidden`/`Required` errors built without a value carry `""`.)
 */
export type BadValue = string | boolean | number | readonly string[] | null;

/**
 * One `field.Error` of a check: `field` is the path as `field.Path.String()` renders it, with real
 * list indices and map keys in brackets (`spec.containers[0].securityContext.privileged`,
 * `metadata.annotations[container.apparmor.security.beta.kubernetes.io/c]`).
 */
export interface FieldError {
  type: 'Forbidden' | 'Required';
  field: string;
  badValue: BadValue;
}

/**
 * The outcome of one check. `forbiddenReason` / `forbiddenDetail` are upstream's user-facing text;
 * `errList` is null when the check gives no field errors (as `ErrList == nil` in Go).
 * Example: `{allowed: false, forbiddenReason: 'privileged', forbiddenDetail: 'container "a" must not set
 * securityContext.privileged=true', errList: [{type: 'Forbidden', field: 'spec.containers[0].securityContext.privileged', badValue: true}]}`.
 */
export interface CheckResult {
  allowed: boolean;
  forbiddenReason: string;
  forbiddenDetail: string;
  errList: FieldError[] | null;
}

/** The shared "allowed" result (never mutated). */
export const ALLOWED: CheckResult = Object.freeze({
  allowed: true,
  forbiddenReason: '',
  forbiddenDetail: '',
  errList: null,
}) as CheckResult;

/** A check body: pure function of the pod metadata and spec. */
export type CheckPodFn = (meta: PodMeta, spec: PodSpecView) => CheckResult;

/** One revision of a check (upstream `VersionedCheck`). */
export interface VersionedCheck {
  /** First policy version this revision applies to (never `latest`). */
  minimumVersion: Version;
  checkPod: CheckPodFn;
  /** Baseline checks this (restricted) revision replaces when the PSA registry evaluates restricted. */
  overrideCheckIDs?: readonly CheckID[];
}

/** A check with its revisions in strictly increasing version order (upstream `Check`). */
export interface Check {
  id: CheckID;
  level: 'baseline' | 'restricted';
  versions: readonly VersionedCheck[];
}

/** `"a", "b"` (upstream joinQuote). */
export function joinQuote(items: readonly string[]): string {
  if (items.length === 0) return '';
  return `"${items.join('", "')}"`;
}

/** upstream pluralize. */
export function pluralize(singular: string, plural: string, count: number): string {
  return count === 1 ? singular : plural;
}

/** Sorted unique list (Go `sets.String.List()`). */
export function sortedSet(values: Iterable<string>): string[] {
  return [...new Set(values)].sort(compareGoStrings);
}

/** Go's string order (byte-wise UTF-8), for `sort.Strings` and sorted sets. */
export const compareStrings: (a: string, b: string) => number = compareGoStrings;

export function forbidden(field: string, badValue: BadValue = ''): FieldError {
  return { type: 'Forbidden', field, badValue };
}

export function required(field: string): FieldError {
  return { type: 'Required', field, badValue: '' };
}

export function deny(forbiddenReason: string, forbiddenDetail: string, errList: FieldError[] | null): CheckResult {
  return { allowed: false, forbiddenReason, forbiddenDetail, errList };
}

/** The three container lists of a pod spec. */
export type ContainerList = 'initContainers' | 'containers' | 'ephemeralContainers';

/** Called for every container with its list and index (paths are only built on violations). */
export type ContainerVisitor = (container: ContainerView, list: ContainerList, index: number) => void;

/** `spec.<list>[<index>].<child>`, e.g. `containerField('containers', 0, 'securityContext.privileged')`. */
export function containerField(list: ContainerList, index: number, child: string): string {
  return `spec.${list}[${index}].${child}`;
}

const EMPTY: readonly ContainerView[] = [];

/** Visits initContainers, then containers, then ephemeralContainers (upstream visitContainers). */
export function visitContainers(spec: PodSpecView, visitor: ContainerVisitor): void {
  const init = spec.initContainers ?? EMPTY;
  for (let i = 0; i < init.length; i++) visitor(init[i]!, 'initContainers', i);
  const main = spec.containers ?? EMPTY;
  for (let i = 0; i < main.length; i++) visitor(main[i]!, 'containers', i);
  const eph = spec.ephemeralContainers ?? EMPTY;
  for (let i = 0; i < eph.length; i++) visitor(eph[i]!, 'ephemeralContainers', i);
}

/** Go's zero value for a container name. */
export function nameOf(c: ContainerView): string {
  return c.name ?? '';
}

/** True when the pod declares `spec.os.name: windows` (restricted checks exempt such pods from 1.25). */
export function isWindowsPod(spec: PodSpecView): boolean {
  return spec.os !== undefined && spec.os.name === 'windows';
}

/**
 * Upstream `relaxPolicyForUserNamespacePod`: gated by a process-wide switch that Kyverno never turns on,
 * so it is always false here.
 */
export function relaxPolicyForUserNamespacePod(_spec: PodSpecView): boolean {
  return false;
}

/**
 * Go's `%q` / strconv.Quote: double-quoted, with `"` and `\\` escaped, printable runes kept, control
 * characters as `\n`-style or `\xNN`, other non-printable runes as `\uNNNN` / `\UNNNNNNNN`.
 * Example: goQuote('a"b') -> `"a\"b"`.
 */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (cp === 0x20 || (cp > 0x20 && cp < 0x7f)) out += ch;
    else if (cp < 0x80 || !PRINTABLE.test(ch)) out += escapeRune(cp);
    else out += ch;
  }
  return out + '"';
}

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

function escapeRune(cp: number): string {
  switch (cp) {
    case 0x07:
      return '\\a';
    case 0x08:
      return '\\b';
    case 0x0c:
      return '\\f';
    case 0x0a:
      return '\\n';
    case 0x0d:
      return '\\r';
    case 0x09:
      return '\\t';
    case 0x0b:
      return '\\v';
  }
  if (cp < 0x20 || cp === 0x7f) return '\\x' + cp.toString(16).padStart(2, '0');
  if (cp >= 0xd800 && cp <= 0xdfff) return '\uFFFD'; // Go decodes a lone surrogate to U+FFFD (printable)
  if (cp < 0x10000) return '\\u' + cp.toString(16).padStart(4, '0');
  return '\\U' + cp.toString(16).padStart(8, '0');
}
