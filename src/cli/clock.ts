/** The real clock and randomness, handed to the pure engine as ports. */
import { randomInt } from 'node:crypto';
import type { Clock, RandomSource } from '../engine/api/request.ts';

export const systemClock: Clock = { now: () => new Date() };

export const systemRandom: RandomSource = { next: () => randomInt(0, 2 ** 48) / 2 ** 48 };
