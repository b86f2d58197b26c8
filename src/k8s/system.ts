/** The real clock and randomness, handed to the pure engine as ports by every front end. */
import { randomInt } from 'node:crypto';
import type { Clock, RandomSource } from '../engine/api/request.ts';

export const systemClock: Clock = { now: () => new Date() };

/** A uniform float in [0, 1) from 48 random bits (`randomInt`'s range must stay below 2^48). */
export const systemRandom: RandomSource = { next: () => randomInt(0, 2 ** 48 - 1) / 2 ** 48 };
