import { randomBytes } from 'node:crypto';

// A message id like a ULID: 48 bits of milliseconds then 80 random bits, in Crockford's base32, so ids
// sort by when they were made. Within one process they also sort in the order they were made: ids made
// in the same millisecond (or after the clock stepped back) take the last one's random part plus one.

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const RANDOM_LIMIT = 1n << 80n;
let lastTime = -1;
let lastRandom = 0n;

/** `msg_` and 26 characters; unique, and sortable by creation time. */
export function newMessageId(now: number = Date.now()): string {
  let time = now;
  let random: bigint;
  if (time <= lastTime) {
    time = lastTime;
    random = lastRandom + 1n;
    if (random >= RANDOM_LIMIT) {
      time += 1;
      random = freshRandom();
    }
  } else {
    random = freshRandom();
  }
  lastTime = time;
  lastRandom = random;
  return `msg_${base32(BigInt(time), 10)}${base32(random, 16)}`;
}

function freshRandom(): bigint {
  return BigInt(`0x${randomBytes(10).toString('hex')}`);
}

function base32(value: bigint, length: number): string {
  let text = '';
  for (let rest = value, left = length; left > 0; left -= 1, rest >>= 5n) text = ALPHABET[Number(rest & 31n)] + text;
  return text;
}
