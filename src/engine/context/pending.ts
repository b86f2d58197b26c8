/**
 * Thrown by a port that must fetch data asynchronously before it can answer. The engine lets it
 * propagate; the asynchronous driver (server, controllers) fetches `key`, then evaluates again.
 */
import { EngineError } from '../errors.ts';

export class PendingFetch extends EngineError {
  constructor(
    readonly kind: 'configMap' | 'apiCall' | 'serviceCall' | 'globalContext' | 'imageData' | 'namespace',
    readonly key: string,
    readonly fetch: () => Promise<void>,
  ) {
    super('PENDING_FETCH', `data not yet available: ${kind} ${key}`);
  }
}

export function isPendingFetch(err: unknown): err is PendingFetch {
  return err instanceof PendingFetch;
}
