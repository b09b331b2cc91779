import { newMessageId } from './message-id.js';

describe('newMessageId', () => {
  it('is msg_ and 26 characters of Crockford base32, usable as a signed webhook-id', () => {
    expect(newMessageId()).toMatch(/^msg_[0-9A-HJKMNP-TV-Z]{26}$/);
  });

  it('sorts by time, and in the order made within one millisecond or when the clock steps back', () => {
    const start = Date.UTC(2020, 0, 1); // in the past, so later ids made with the real clock still sort after these
    const made = [newMessageId(start), newMessageId(start), newMessageId(start), newMessageId(start - 5000), newMessageId(start + 1), newMessageId(start + 86_400_000)];
    expect([...made].sort()).toEqual(made);
    expect(new Set(made).size).toBe(made.length);
  });

  it('is unique across many', () => {
    const ids = Array.from({ length: 10_000 }, () => newMessageId());
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });
});
