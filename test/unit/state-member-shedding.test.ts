import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MOST_MEMBER_BYTES, MOST_NOTE_BYTES, membersToShed, notesToShed } from '#shared/state/members.js';
import { fuzzRuns } from '#test/support/fuzz-runs.js';

const NOW = 1_764_151_200; // 2026-11-26T10:00:00Z
const TTL = 3_600;

/** A record's members as DynamoDB returns them: `m:<member>` → `<epoch seconds> <owner>`, in the order given. */
function record(members: ReadonlyArray<{ name: string; at: number; owner?: string }>): Record<string, unknown> {
  return Object.fromEntries(members.map((m) => [`m:${m.name}`, `${m.at} ${m.owner ?? 'batch-1'}`]));
}

/** A deterministic shuffle, so that the attribute order never follows age. */
function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = (i * 7919) % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

describe('State store: which members a claims record sheds', () => {
  it('sheds nothing while the record holds 1,000 members or fewer, even members long past their time to live', () => {
    // Prepare
    const members = Array.from({ length: 1_000 }, (_, i) => ({ name: `stop-${i}`, at: NOW - 10 * TTL }));

    // Act
    const shed = membersToShed({ pk: 'service/prod/api', sk: 'stop-reports', ...record(members) }, NOW, TTL);

    // Assess
    expect(shed).toEqual([]);
  });

  it('past 1,000 members sheds those claimed before their time to live, oldest first whatever the attribute order', () => {
    // Prepare: 3 expired members, one claimed exactly its time to live ago, and recent ones
    const expired = [
      { name: 'expired-a', at: NOW - TTL - 30 },
      { name: 'expired-b', at: NOW - TTL - 20 },
      { name: 'expired-c', at: NOW - TTL - 1 },
    ];
    const boundary = { name: 'just-in-time', at: NOW - TTL };
    const recent = Array.from({ length: 998 }, (_, i) => ({ name: `recent-${i}`, at: NOW - (i % 600) }));

    // Act
    const shed = membersToShed(record(shuffled([...recent, boundary, ...expired])), NOW, TTL);

    // Assess
    expect(shed).toEqual(['m:expired-a', 'm:expired-b', 'm:expired-c']);
  });

  it('sheds the oldest members within their time to live only until the members fit in 300 KiB, and not one more', () => {
    // Prepare: 1,001 members of 320 bytes each (name 8, value 312) are 320,320 bytes; 960 of them are exactly 300 KiB
    const size = 320;
    const members = Array.from({ length: 1_001 }, (_, i) => ({
      name: `s-${String(i).padStart(4, '0')}`,
      at: NOW - 1_001 + i,
      owner: 'o'.repeat(size - 8 - 11),
    }));

    // Act
    const shed = membersToShed(record(shuffled(members)), NOW, TTL);

    // Assess
    expect(960 * size).toBe(MOST_MEMBER_BYTES);
    expect(shed).toEqual(members.slice(0, 41).map((m) => `m:${m.name}`));
  });

  it('leaves the newest members and a record within 300 KiB, whatever the members’ ages and sizes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ age: fc.nat(2 * TTL), size: fc.integer({ min: 0, max: 600 }) }), {
          minLength: 1_001,
          maxLength: 1_200,
        }),
        (drawn) => {
          // Prepare
          const members = drawn.map((d, i) => ({ name: `stop-${i}`, at: NOW - d.age, owner: 'x'.repeat(d.size) }));
          const item = record(members);

          // Act
          const shed = new Set(membersToShed(item, NOW, TTL));

          // Assess
          const kept = members.filter((m) => !shed.has(`m:${m.name}`));
          const keptBytes = kept.reduce(
            (sum, m) => sum + Buffer.byteLength(`m:${m.name}`) + String(item[`m:${m.name}`]).length,
            0,
          );
          expect(keptBytes).toBeLessThanOrEqual(MOST_MEMBER_BYTES);
          expect(kept.every((m) => m.at >= NOW - TTL)).toBe(true);
          const newestShed = Math.max(...members.filter((m) => shed.has(`m:${m.name}`)).map((m) => m.at));
          expect(kept.every((m) => m.at >= newestShed)).toBe(true);
        },
      ),
      { numRuns: fuzzRuns(30) },
    );
  });
});

describe('State store: which notes a claims record sheds', () => {
  const note = (name: string, at: number, bytes = 10) => [`n:${name}`, `${at} ${'x'.repeat(bytes)}`] as const;

  it('sheds the notes older than the time to live, and none of the members', () => {
    // Prepare
    const item = Object.fromEntries([
      note('alert/expired', NOW - TTL - 1),
      note('alert/boundary', NOW - TTL),
      note('alert/recent', NOW - 5),
      ['m:stop-1', `${NOW - 10 * TTL} message/a`],
    ]);

    // Act
    const shed = notesToShed(item, NOW, TTL);

    // Assess
    expect(shed).toEqual(['n:alert/expired']);
  });

  it('sheds the oldest notes, even within their time to live, until the notes fit in their budget', () => {
    // Prepare: three notes of a third of the budget each, and one more
    const third = Math.floor(MOST_NOTE_BYTES / 3);
    const item = Object.fromEntries(
      shuffled([
        note('a', NOW - 40, third),
        note('b', NOW - 30, third),
        note('c', NOW - 20, third),
        note('d', NOW - 10, 10),
      ]),
    );

    // Act
    const shed = notesToShed(item, NOW, TTL);

    // Assess
    expect(shed).toEqual(['n:a']);
  });
});
