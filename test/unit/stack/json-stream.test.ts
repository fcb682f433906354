// The JSON stream splitter: linear in the input, strict about what lies between values when
// asked (files), and bounded (nesting depth, size of one value).
import { describe, expect, it } from 'vitest';
import { JsonStreamError, JsonStreamSplitter } from '../../../src-main/stack/json-stream.js';

const CHUNK = 64 * 1024;

/** Milliseconds to split `text` fed in 64 KiB chunks (the best of three). */
function timeSplit(text: string, opts: ConstructorParameters<typeof JsonStreamSplitter>[0]): { ms: number; values: number } {
  let best = Infinity;
  let values = 0;
  for (let round = 0; round < 3; round++) {
    const s = new JsonStreamSplitter(opts);
    const started = performance.now();
    values = 0;
    for (let i = 0; i < text.length; i += CHUNK) values += s.push(text.slice(i, i + CHUNK)).length;
    best = Math.min(best, performance.now() - started);
  }
  return { ms: best, values };
}

/** One array value of about `chars` characters (64 per element). */
const bigValue = (chars: number) => `{"a":[${`"${'x'.repeat(61)}",`.repeat(chars / 64)}1]}`;

describe('JsonStreamSplitter', () => {
  it('is linear: a value four times longer takes about four times as long, not sixteen', () => {
    const n = 4 * 1024 * 1024;
    const small = timeSplit(bigValue(n), { maxValueLength: Infinity });
    const large = timeSplit(bigValue(4 * n), { maxValueLength: Infinity });
    expect(small.values).toBe(1);
    expect(large.values).toBe(1);
    // Quadratic (the whole pending value copied at every chunk) is ~16×; linear is ~4×.
    expect(large.ms / Math.max(small.ms, 1)).toBeLessThan(8);
    expect(large.ms).toBeLessThan(1500);
  });

  it('is linear over many small values too', () => {
    const one = JSON.stringify({ ids: { device_id: 'dev-1' }, name: 'x'.repeat(200) });
    const small = timeSplit(`${one}\n`.repeat(20_000), {});
    const large = timeSplit(`${one}\n`.repeat(80_000), {});
    expect(large.values).toBe(80_000);
    expect(large.ms / Math.max(small.ms, 1)).toBeLessThan(8);
  });

  it('finds values split at any character, with strings that hold brackets and escapes', () => {
    const text = '{"result":{"name":"a","data":{"s":"}{\\"x\\\\"}}}\n\n[{"name":"b"}]\n';
    for (let cut = 1; cut < text.length; cut++) {
      const s = new JsonStreamSplitter({ strict: true });
      const got = [...s.push(text.slice(0, cut)), ...s.push(text.slice(cut))].map((t) => JSON.parse(t));
      expect(got).toEqual([{ result: { name: 'a', data: { s: '}{"x\\' } } }, [{ name: 'b' }]]);
      expect(s.pending).toBe(false);
    }
  });

  it('strict: anything but whitespace between values is an error with its line, column and byte offset', () => {
    const s = new JsonStreamSplitter({ strict: true });
    expect(s.push('{"a":"é"}\n  ')).toEqual(['{"a":"é"}']);
    const err = (() => {
      try {
        s.push('x{"b":2}');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(JsonStreamError);
    // "é" is two bytes: {"a":"é"} is 10 bytes, then the newline and two spaces.
    expect(err).toMatchObject({ position: { line: 2, column: 3, offset: 13 } });
    expect((err as Error).message).toBe('unexpected "x" between values at line 2, column 3 (byte 13)');
  });

  it.each([
    ['a comma', '{"a":1},{"b":2}', /unexpected "," between values at line 1, column 8 \(byte 7\)/],
    ['a bare string', '{"a":1}\n"str"', /unexpected "\\"" between values at line 2, column 1 \(byte 8\)/],
    ['a number', '7', /unexpected "7" between values at line 1, column 1 \(byte 0\)/],
    ['a stray closing brace', '{"a":1}}', /unexpected "}" between values at line 1, column 8/],
  ])('strict: %s between values is an error', (_what, text, message) => {
    expect(() => new JsonStreamSplitter({ strict: true }).push(text)).toThrow(message);
  });

  it('strict: a byte order mark at the start is allowed', () => {
    expect(new JsonStreamSplitter({ strict: true }).push('\uFEFF{"a":1}\r\n\t{"b":2}')).toEqual(['{"a":1}', '{"b":2}']);
  });

  it('lenient (event streams): prefixes and separators between values are skipped', () => {
    expect(new JsonStreamSplitter().push('data: {"a":1}\n\n,{"b":2}')).toEqual(['{"a":1}', '{"b":2}']);
  });

  it('refuses nesting deeper than 64 levels, saying where', () => {
    const ok = `${'['.repeat(64)}${']'.repeat(64)}`;
    expect(new JsonStreamSplitter({ strict: true }).push(ok)).toEqual([ok]);
    const s = new JsonStreamSplitter({ strict: true });
    s.push('{"a":1}\n');
    expect(() => s.push(`{"deep":${'['.repeat(100_000)}`)).toThrow(/nested deeper than 64 levels at line 2, column 72 \(byte 79\)/);
  });

  it('refuses one value longer than the limit, even when it never ends', () => {
    const s = new JsonStreamSplitter({ maxValueLength: 1000 });
    s.push('{"a":"');
    let err: unknown;
    for (let i = 0; i < 100 && !err; i++) {
      try {
        s.push('x'.repeat(100));
      } catch (e) {
        err = e;
      }
    }
    expect(err).toBeInstanceOf(JsonStreamError);
    expect((err as Error).message).toMatch(/a value longer than 1000 characters starting at line 1, column 1 \(byte 0\)/);
  });

  it('has an 8 MiB limit on one value by default', () => {
    const s = new JsonStreamSplitter();
    expect(s.push(bigValue(4 * 1024 * 1024))).toHaveLength(1);
    expect(() => s.push(bigValue(9 * 1024 * 1024))).toThrow(/a value longer than 8388608 characters/);
  });
});
