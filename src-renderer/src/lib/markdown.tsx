// A small Markdown reader for the sheets main writes: headings, list items, paragraphs,
// inline `code` and **bold**. Everything is text for React (no HTML is ever injected).
import type { ReactNode } from 'react';

type Block =
  | { kind: 'heading'; level: number; text: string }
  | { kind: 'list'; ordered: boolean; items: string[] }
  | { kind: 'paragraph'; text: string };

export function parseMarkdown(markdown: string): Block[] {
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  const endParagraph = () => {
    if (paragraph.length > 0) blocks.push({ kind: 'paragraph', text: paragraph.join(' ') });
    paragraph = [];
  };
  for (const raw of markdown.split(/\r?\n/)) {
    const line = raw.trimEnd();
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    const bullet = /^\s*[-*]\s+(.*)$/.exec(line);
    const numbered = /^\s*\d+[.)]\s+(.*)$/.exec(line);
    const item = bullet ?? numbered;
    if (heading) {
      endParagraph();
      blocks.push({ kind: 'heading', level: heading[1]!.length, text: heading[2]! });
    } else if (item) {
      endParagraph();
      const last = blocks[blocks.length - 1];
      const ordered = Boolean(numbered && !bullet);
      if (last?.kind === 'list' && last.ordered === ordered) last.items.push(item[1]!);
      else blocks.push({ kind: 'list', ordered, items: [item[1]!] });
    } else if (line.trim() === '') {
      endParagraph();
    } else {
      const last = blocks[blocks.length - 1];
      // A wrapped list item continues on an indented line.
      if (paragraph.length === 0 && last?.kind === 'list' && /^\s+/.test(raw)) last.items[last.items.length - 1] += ` ${line.trim()}`;
      else paragraph.push(line.trim());
    }
  }
  endParagraph();
  return blocks;
}

/** `code` and **bold** inside a line. */
export function inline(text: string): ReactNode[] {
  return text.split(/(`[^`]+`|\*\*[^*]+\*\*)/g).map((part, i) => {
    if (part.startsWith('`') && part.endsWith('`') && part.length > 1) return <code key={i}>{part.slice(1, -1)}</code>;
    if (part.startsWith('**') && part.endsWith('**') && part.length > 4) return <strong key={i}>{part.slice(2, -2)}</strong>;
    return part;
  });
}

/** The blocks as elements; `topLevel` is the heading level a "#" becomes (below the page's own). */
export function Markdown({ source, topLevel = 3 }: { source: string; topLevel?: number }) {
  return (
    <div className="markdown">
      {parseMarkdown(source).map((block, i) => {
        if (block.kind === 'heading') {
          const level = Math.min(6, topLevel + block.level - 1);
          const Tag = `h${level}` as 'h3';
          return <Tag key={i}>{inline(block.text)}</Tag>;
        }
        if (block.kind === 'list') {
          const items = block.items.map((t, j) => <li key={j}>{inline(t)}</li>);
          return block.ordered ? <ol key={i}>{items}</ol> : <ul key={i}>{items}</ul>;
        }
        return <p key={i}>{inline(block.text)}</p>;
      })}
    </div>
  );
}
