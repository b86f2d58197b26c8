/**
 * Cooperative scheduling for CPU-bound controller loops: the engine is synchronous, so a worker that
 * evaluates thousands of resources in a row would starve timers and sockets (lease renewals, watches,
 * admission requests). `yieldIfBusy()` returns to the event loop once `sliceMs` of work has gone by.
 *
 * Example: `for (const r of resources) { await yieldIfBusy(); evaluate(r); }`
 */
import { setImmediate as immediate } from 'node:timers/promises';

let sliceStart = performance.now();

export async function yieldIfBusy(sliceMs = 10): Promise<void> {
  const now = performance.now();
  if (now - sliceStart < sliceMs) return;
  await immediate();
  sliceStart = performance.now();
}
