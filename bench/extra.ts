/** Further benchmarks registered by area (mutate, CEL, webhook load); each entry prints its own figures. */
import { runCelBench } from './cel.ts';

export const benches: Record<string, () => void | Promise<void>> = {
  // µs per compiled CEL validation of a pod: one expression, ValidatingPolicies, validate.cel rules
  cel: async () => {
    await runCelBench();
  },
};
