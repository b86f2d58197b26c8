/** Every non-classic policy kind handler, in Kyverno's CLI evaluation order within each stage. */
import { deletingHandlers } from './deleting.ts';
import { generatingHandlers } from './generating.ts';
import { mutatingHandlers } from './mutating.ts';
import type { KindHandler, KindStage } from './types.ts';
import { validatingHandlers } from './validating.ts';

export const kindHandlers: readonly KindHandler[] = [...mutatingHandlers, ...validatingHandlers, ...generatingHandlers, ...deletingHandlers];

export function handlersFor(stage: KindStage): KindHandler[] {
  return kindHandlers.filter((h) => h.stage === stage);
}

export type { KindContext, KindHandler, KindStage } from './types.ts';
