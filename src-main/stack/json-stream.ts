// Splits a stream of concatenated JSON values ("{...}{...}", one per line, or separated by
// blank lines) into complete values as text arrives: used for the event stream and for
// devices.json files, which The Things Stack's tools write as a JSON stream.
//
// Linear in the input: each character is looked at once, and the text of a value that
// spans chunks is kept as a list of pieces joined once, when the value ends. Bounded: one
// value may be at most `maxValueLength` characters and nest at most `maxDepth` levels.

export interface JsonStreamPosition {
  /** Bytes (UTF-8) before the character, from the start of the stream. */
  offset: number;
  /** 1-based line and column (in characters). */
  line: number;
  column: number;
}

export const describePosition = (p: JsonStreamPosition) => `line ${p.line}, column ${p.column} (byte ${p.offset})`;

export class JsonStreamError extends Error {
  /** The complete values found in the same push before the error (they come first in the stream). */
  values: string[] = [];

  constructor(message: string, readonly position: JsonStreamPosition, readonly reason: 'junk' | 'depth' | 'length') {
    super(message);
    this.name = 'JsonStreamError';
  }
}

export interface JsonStreamOptions {
  /**
   * Only whitespace may lie between values (files); anything else is an error with its
   * position. Otherwise it is skipped (event streams: "data:" prefixes, separators).
   */
  strict?: boolean;
  /** The longest one value may be, in characters (default 8 MiB). */
  maxValueLength?: number;
  /** How deep objects and arrays may nest (default 64). */
  maxDepth?: number;
}

export const DEFAULT_MAX_VALUE_LENGTH = 8 * 1024 * 1024;
export const DEFAULT_MAX_DEPTH = 64;

const QUOTE = 0x22;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const BOM = 0xfeff;
const isWhitespace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
const LOW_SURROGATES = /[\uDC00-\uDFFF]/g;

/** Characters (not UTF-16 code units) in `s`. */
function charsIn(s: string, bytes: number): number {
  if (bytes === s.length) return s.length; // ASCII
  return s.length - (s.match(LOW_SURROGATES)?.length ?? 0);
}

/** The position after `text`, starting from `from`. Native string functions only: cheap per call. */
function advance(from: JsonStreamPosition, text: string): JsonStreamPosition {
  const bytes = Buffer.byteLength(text);
  let line = from.line;
  let column = from.column;
  const last = text.lastIndexOf('\n');
  if (last < 0) {
    column += charsIn(text, bytes);
  } else {
    for (let k = text.indexOf('\n'); k !== -1; k = text.indexOf('\n', k + 1)) line++;
    const tail = text.slice(last + 1);
    column = 1 + charsIn(tail, Buffer.byteLength(tail));
  }
  return { offset: from.offset + bytes, line, column };
}

export class JsonStreamSplitter {
  private readonly strict: boolean;
  private readonly maxValueLength: number;
  private readonly maxDepth: number;
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** Pieces of the value in progress from earlier chunks, and their total length. */
  private parts: string[] = [];
  private partsLength = 0;
  /** Where the value in progress starts: its index in the current chunk until its position is known. */
  private valueStartIndex = 0;
  private valueStart: JsonStreamPosition | undefined = { offset: 0, line: 1, column: 1 };
  /** Position of the current chunk's first character, and a cursor inside the chunk (positions are found lazily). */
  private base: JsonStreamPosition = { offset: 0, line: 1, column: 1 };
  private cursor = 0;
  private cursorPosition: JsonStreamPosition = this.base;

  constructor(options: JsonStreamOptions = {}) {
    this.strict = options.strict ?? false;
    this.maxValueLength = options.maxValueLength ?? DEFAULT_MAX_VALUE_LENGTH;
    this.maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  }

  /** Feeds text; returns the complete top-level objects or arrays found so far, as text. */
  push(chunk: string): string[] {
    const out: string[] = [];
    try {
      this.scan(chunk, out);
    } catch (err) {
      if (err instanceof JsonStreamError) err.values = out;
      throw err;
    }
    return out;
  }

  /** The position of `chunk[index]` (index at or after the last one asked in this chunk, or anywhere: then from the start). */
  private positionAt(chunk: string, index: number): JsonStreamPosition {
    if (index < this.cursor) {
      this.cursor = 0;
      this.cursorPosition = this.base;
    }
    this.cursorPosition = advance(this.cursorPosition, chunk.slice(this.cursor, index));
    this.cursor = index;
    return this.cursorPosition;
  }

  private scan(chunk: string, out: string[]): void {
    const len = chunk.length;
    this.cursor = 0;
    this.cursorPosition = this.base;
    let start = this.depth > 0 ? 0 : -1; // where the value in progress starts in this chunk
    let nextBackslash = -1; // the next backslash at or after i (len: none), found once per stretch
    let i = this.base.offset === 0 && len > 0 && chunk.charCodeAt(0) === BOM ? 1 : 0;
    while (i < len) {
      if (this.inString) {
        // Jump to the end of the string (or the next escape) with native searches.
        if (this.escaped) {
          this.escaped = false;
          i++;
          continue;
        }
        if (nextBackslash < i) {
          nextBackslash = chunk.indexOf('\\', i);
          if (nextBackslash < 0) nextBackslash = len;
        }
        let quote = chunk.indexOf('"', i);
        if (quote < 0) quote = len;
        if (nextBackslash < quote) {
          this.escaped = true;
          i = nextBackslash + 1;
        } else if (quote < len) {
          this.inString = false;
          i = quote + 1;
        } else {
          i = len;
        }
        continue;
      }
      const c = chunk.charCodeAt(i);
      if (this.depth > 0) {
        if (c === QUOTE) this.inString = true;
        else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
          if (++this.depth > this.maxDepth) {
            const at = this.positionAt(chunk, i);
            throw new JsonStreamError(`nested deeper than ${this.maxDepth} levels at ${describePosition(at)}`, at, 'depth');
          }
        } else if ((c === CLOSE_BRACE || c === CLOSE_BRACKET) && --this.depth === 0) {
          if (this.partsLength + (i + 1 - start) > this.maxValueLength) throw this.tooLong(chunk);
          const tail = chunk.slice(start, i + 1);
          out.push(this.parts.length > 0 ? this.parts.join('') + tail : tail);
          this.parts = [];
          this.partsLength = 0;
          start = -1;
        }
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        this.depth = 1;
        start = i;
        this.valueStartIndex = i;
        this.valueStart = undefined;
      } else if (this.strict && !isWhitespace(c)) {
        const at = this.positionAt(chunk, i);
        const ch = String.fromCodePoint(chunk.codePointAt(i) ?? c);
        throw new JsonStreamError(`unexpected ${JSON.stringify(ch)} between values at ${describePosition(at)}`, at, 'junk');
      }
      // Anything else between values (whitespace; when lenient, commas and SSE "data:" prefixes) is skipped.
      i++;
    }
    if (this.depth > 0) {
      if (this.valueStart === undefined) this.valueStart = this.positionAt(chunk, this.valueStartIndex);
      const rest = chunk.slice(start);
      this.parts.push(rest);
      this.partsLength += rest.length;
      if (this.partsLength > this.maxValueLength) throw this.tooLong(chunk);
    }
    this.base = this.positionAt(chunk, len);
  }

  private tooLong(chunk: string): JsonStreamError {
    const at = this.valueStart ?? this.positionAt(chunk, this.valueStartIndex);
    // The value is dropped: what it holds so far is not kept in memory.
    this.parts = [];
    this.partsLength = 0;
    return new JsonStreamError(`a value longer than ${this.maxValueLength} characters starting at ${describePosition(at)}`, at, 'length');
  }

  /** True when a value was started but not finished (a truncated stream). */
  get pending(): boolean {
    return this.depth > 0;
  }

  /** Where the value in progress (if any) starts. */
  get pendingStart(): JsonStreamPosition {
    return { ...(this.valueStart ?? this.base) };
  }
}
