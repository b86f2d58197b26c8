/**
 * A policy source that also carries the CEL policy kinds: the classic snapshot of `inner` with the CEL
 * policies and exceptions of `cel` (in-cluster: the CEL policy informers). A change of either side
 * publishes a new snapshot; the CEL part keeps its identity until the CEL side changes, so the admission
 * core compiles CEL policies only when they changed.
 *
 * Example: `new WithCelPolicies(new ClusterPolicySource(informers), celInformers)`.
 */
import type { CelPolicySnapshot } from '../admission/cel-policies.ts';
import type { PolicySnapshot, PolicySource } from './types.ts';

export interface CelPolicyFeed {
  snapshot(): CelPolicySnapshot;
  onChange(cb: () => void): void;
}

export class WithCelPolicies implements PolicySource {
  private readonly listeners: Array<(s: PolicySnapshot) => void> = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly inner: PolicySource,
    private readonly cel: CelPolicyFeed,
    debounceMs = 50,
  ) {
    inner.onChange((s) => this.publish(s));
    cel.onChange(() => {
      if (this.timer) return;
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.publish(this.inner.current());
      }, debounceMs);
      this.timer.unref();
    });
  }

  private publish(s: PolicySnapshot): void {
    const out = this.withCel(s);
    for (const l of this.listeners) l(out);
  }

  private withCel(s: PolicySnapshot): PolicySnapshot {
    return { ...s, cel: this.cel.snapshot() };
  }

  current(): PolicySnapshot {
    return this.withCel(this.inner.current());
  }

  onChange(cb: (s: PolicySnapshot) => void): void {
    this.listeners.push(cb);
  }
}
