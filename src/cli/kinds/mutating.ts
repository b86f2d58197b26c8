/** Handlers for the mutating CEL policy kinds (filled in with the CEL issue). */
import type { KindHandler } from './types.ts';

export const mutatingHandlers: KindHandler[] = [];
