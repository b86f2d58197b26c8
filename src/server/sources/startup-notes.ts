/**
 * What standalone mode says about its inputs when it starts: the policies' load warnings, Policies in a
 * namespace the resource files do not declare (they will not apply), and PolicyExceptions loaded while
 * exception processing is off. Computed where the policies are loaded (the server thread, or the first
 * evaluation worker with `serve --workers`) and logged by the server thread.
 */
import type { ExceptionOptions } from '../admission/exceptions.ts';
import type { Logger } from '../logging.ts';
import type { NamespaceLabelsSource, PolicySnapshot } from './types.ts';

/** One line to log: its logger name, message and fields. */
export interface StartupNote {
  logger: string;
  message: string;
  fields?: Record<string, string | number>;
}

export function startupNotes(
  warnings: readonly string[],
  snapshot: PolicySnapshot,
  namespaces: NamespaceLabelsSource,
  exceptions: ExceptionOptions | undefined,
): StartupNote[] {
  const notes: StartupNote[] = warnings.map((w) => ({ logger: 'policy', message: w }));
  for (const p of snapshot.policies) {
    if (p.kind === 'Policy' && !namespaces.get(p.metadata.namespace ?? '')) {
      notes.push({
        logger: 'policy',
        message: 'namespace of a Policy is not declared (--resources): the policy will not apply',
        fields: { policy: `${p.metadata.namespace ?? ''}/${p.metadata.name ?? ''}` },
      });
    }
  }
  if (snapshot.exceptions.length > 0 && !(exceptions?.enabled && exceptions.namespace !== '')) {
    notes.push({
      logger: 'exception',
      message: 'PolicyExceptions were loaded but are not processed: pass --enablePolicyException and --exceptionNamespace',
      fields: { count: snapshot.exceptions.length },
    });
  }
  return notes;
}

export function logStartupNotes(log: Logger, notes: readonly StartupNote[]): void {
  for (const n of notes) log.child(n.logger).info(n.message, n.fields);
}
