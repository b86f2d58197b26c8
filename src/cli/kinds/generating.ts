/** Handlers for the generating CEL policy kinds (filled in with the CEL issue). */
import type { KindHandler } from './types.ts';

export const generatingHandlers: KindHandler[] = [];
