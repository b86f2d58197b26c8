/**
 * The engine as the controllers run it: the ConfigMap's image settings and context size, the system
 * clock and randomness, the cluster ports (ConfigMaps, API calls, namespace labels), and optionally a target resolver
 * (mutate-existing targets). Rebuilt when the ConfigMap changes.
 *
 * Example: `const engine = controllerEngine(state.current(), ports.ports())`.
 */
import type { ContextPorts } from '../../engine/api/request.ts';
import { Engine } from '../../engine/engine.ts';
import { systemClock, systemRandom } from '../../k8s/system.ts';
import type { TargetResolver } from '../../engine/handlers/targets.ts';
import type { KyvernoConfiguration } from '../../server/config.ts';

export function controllerEngine(config: KyvernoConfiguration, ports: ContextPorts, targets?: TargetResolver, withRequestFilters = false): Engine {
  return new Engine({
    clock: systemClock,
    // random() in policies (e.g. generated names)
    random: systemRandom,
    ports,
    ...(targets ? { targets } : {}),
    config: {
      imageConfig: { defaultRegistry: config.defaultRegistry, enableDefaultRegistryMutation: config.enableDefaultRegistryMutation },
      maxContextSize: config.maxContextSize,
      ...(withRequestFilters ? { requestFilters: config.requestFilters } : {}),
    },
  });
}

/** `GetNamespaceSelectorsFromNamespaceLister`: the namespace's labels for namespaced, non-Namespace kinds. */
export function namespaceLabelsFor(kind: string, namespace: string, lookup: (ns: string) => Record<string, string> | undefined): Record<string, string> {
  if (kind === 'Namespace' || namespace === '') return {};
  return lookup(namespace) ?? {};
}
