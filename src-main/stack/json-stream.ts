// Splits a stream of concatenated JSON values ("{...}{...}", one per line, or separated by
// blank lines) into complete values as text arrives: used for the event stream and for
// devices.json files, which The Things Stack's tools write as a JSON stream.

export class JsonStreamSplitter {
  private buffer = '';
  private depth = 0;
  private inString = false;
  private escaped = false;
  private start = -1;
  private scanned = 0;

  /** Feeds text; returns the complete top-level objects or arrays found so far, as text. */
  push(chunk: string): string[] {
    this.buffer += chunk;
    const out: string[] = [];
    const b = this.buffer;
    for (let i = this.scanned; i < b.length; i++) {
      const ch = b[i];
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (ch === '\\') this.escaped = true;
        else if (ch === '"') this.inString = false;
        continue;
      }
      if (ch === '"') {
        if (this.depth > 0) this.inString = true;
      } else if (ch === '{' || ch === '[') {
        if (this.depth++ === 0) this.start = i;
      } else if ((ch === '}' || ch === ']') && this.depth > 0) {
        if (--this.depth === 0) {
          out.push(b.slice(this.start, i + 1));
          this.start = -1;
        }
      }
      // Anything else between values (whitespace, commas, SSE "data:" prefixes) is skipped.
    }
    if (this.depth === 0) {
      this.buffer = '';
      this.scanned = 0;
    } else {
      this.buffer = b.slice(this.start);
      this.scanned = this.buffer.length;
      this.start = 0;
    }
    return out;
  }

  /** True when a value was started but not finished (a truncated stream). */
  get pending(): boolean {
    return this.depth > 0;
  }
}
