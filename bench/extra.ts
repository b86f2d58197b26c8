/** Further benchmarks registered by area (mutate, CEL, webhook load); each entry prints its own figures. */
export const benches: Record<string, () => void | Promise<void>> = {};
