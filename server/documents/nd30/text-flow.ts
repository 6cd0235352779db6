// Line breaking for the documents' paragraphs: our own, so page breaks, keep-together and the layout
// record are exact. Vietnamese is written in syllables separated by spaces and is never hyphenated:
// lines break at spaces only (a word longer than the line is cut by letters, e.g. a long URL).
import type { FontFace } from '../fonts.ts';
import type { LayoutBox, Nd30Canvas } from './canvas.ts';
import { nfc } from './format.ts';

/** A stretch of text in one face. */
export interface TextRun {
  text: string;
  face?: FontFace;
}

/** Text for a paragraph or a cell: plain, or runs in different faces ("Chủ trì:" in bold, then regular). */
export type RichText = string | TextRun[];

/** A word: one or more runs glued together (a face change inside a word keeps it unbroken). */
interface Word {
  parts: { text: string; face: FontFace; width: number }[];
  width: number;
  /** Width of the space before it (0 at the start of the text). */
  space: number;
}

/** One line after breaking. */
export interface FlowLine {
  words: Word[];
  /** Width with ordinary spaces. */
  natural: number;
  /** Space left at its start (first-line indent). */
  indent: number;
  /** The paragraph's last line (not stretched when justified). */
  last: boolean;
}

/** Runs of a rich text, NFC, with a default face. */
export function toRuns(text: RichText, face: FontFace = 'regular'): { text: string; face: FontFace }[] {
  const runs = typeof text === 'string' ? [{ text }] : text;
  return runs.map((run) => ({ text: nfc(run.text), face: run.face ?? face }));
}

/** The plain text of a rich text (NFC). */
export function plainText(text: RichText): string {
  return toRuns(text)
    .map((run) => run.text)
    .join('');
}

function splitWords(canvas: Nd30Canvas, text: RichText, size: number, face: FontFace): Word[] {
  const words: Word[] = [];
  let pendingSpace = false;
  let current: Word | undefined;
  for (const run of toRuns(text, face)) {
    // Break at ordinary white space only: a no-break space (U+00A0, U+202F) keeps its neighbours together.
    for (const piece of run.text.split(/([^\S\u00a0\u202f]+)/)) {
      if (piece === '') continue;
      if (/^[^\S\u00a0\u202f]+$/.test(piece)) {
        pendingSpace = true;
        current = undefined;
        continue;
      }
      const width = canvas.measure(piece, { size, face: run.face });
      const previous = words.at(-1);
      if (pendingSpace && previous && /^[-–—]$/u.test(piece)) {
        // A spaced dash ("Tài chính - Kế hoạch") stays at the end of its line, never opens the next one.
        const joined = ` ${piece}`;
        const joinedWidth = canvas.measure(joined, { size, face: run.face });
        previous.parts.push({ text: joined, face: run.face, width: joinedWidth });
        previous.width += joinedWidth;
        current = previous;
        pendingSpace = false;
        continue;
      }
      if (current && !pendingSpace) {
        current.parts.push({ text: piece, face: run.face, width });
        current.width += width;
      } else {
        const space = words.length > 0 ? canvas.measure(' ', { size, face: run.face }) : 0;
        current = { parts: [{ text: piece, face: run.face, width }], width, space };
        words.push(current);
      }
      pendingSpace = false;
    }
  }
  return words;
}

/** Cuts a word wider than the line into pieces that fit, letter by letter. */
function cutWord(canvas: Nd30Canvas, word: Word, size: number, width: number): Word[] {
  const pieces: Word[] = [];
  let piece: Word = { parts: [], width: 0, space: word.space };
  for (const part of word.parts) {
    for (const letter of part.text) {
      const w = canvas.measure(letter, { size, face: part.face });
      if (piece.width + w > width && piece.width > 0) {
        pieces.push(piece);
        piece = { parts: [], width: 0, space: 0 };
      }
      const last = piece.parts.at(-1);
      if (last && last.face === part.face) {
        last.text += letter;
        last.width += w;
      } else {
        piece.parts.push({ text: letter, face: part.face, width: w });
      }
      piece.width += w;
    }
  }
  if (piece.parts.length > 0) pieces.push(piece);
  return pieces;
}

export interface WrapOptions {
  size: number;
  face?: FontFace;
  width: number;
  /** Indent of the first line. */
  firstIndent?: number;
  /** Indent of the other lines (hanging lists). */
  restIndent?: number;
}

/** Breaks a text into lines that fit the width (greedy, at spaces). An empty text gives no line. */
export function wrapText(canvas: Nd30Canvas, text: RichText, options: WrapOptions): FlowLine[] {
  const lines: FlowLine[] = [];
  const first = options.firstIndent ?? 0;
  const rest = options.restIndent ?? 0;
  let line: FlowLine = { words: [], natural: 0, indent: first, last: false };
  const room = () => options.width - line.indent;
  for (const original of splitWords(canvas, text, options.size, options.face ?? 'regular')) {
    const pieces = original.width > options.width - Math.max(first, rest) ? cutWord(canvas, original, options.size, options.width - Math.max(first, rest)) : [original];
    for (const word of pieces) {
      const added = line.words.length === 0 ? word.width : word.space + word.width;
      if (line.words.length > 0 && line.natural + added > room() + 0.01) {
        lines.push(line);
        line = { words: [], natural: 0, indent: rest, last: false };
      }
      line.natural += line.words.length === 0 ? word.width : word.space + word.width;
      line.words.push(word);
    }
  }
  if (line.words.length > 0) lines.push(line);
  const lastLine = lines.at(-1);
  if (lastLine) lastLine.last = true;
  return lines;
}

/**
 * Breaks centred text (headings, the summary) into as few lines as at full width, but as even as
 * possible: the narrowest width that does not add a line. "SỞ THÔNG TIN VÀ / TRUYỀN THÔNG" rather than
 * "SỞ THÔNG TIN VÀ TRUYỀN / THÔNG".
 */
export function wrapBalanced(canvas: Nd30Canvas, text: RichText, options: WrapOptions): FlowLine[] {
  const full = wrapText(canvas, text, options);
  if (full.length < 2) return full;
  let low = Math.max(...full.map((line) => line.natural)) / full.length;
  let high = options.width;
  let best = full;
  for (let step = 0; step < 12 && high - low > 0.5; step += 1) {
    const middle = (low + high) / 2;
    const lines = wrapText(canvas, text, { ...options, width: middle });
    if (lines.length <= full.length && lines.every((line) => line.natural <= middle + 0.01)) {
      best = lines;
      high = middle;
    } else {
      low = middle;
    }
  }
  return best;
}

export interface DrawLineOptions {
  x: number;
  width: number;
  baseline: number;
  size: number;
  align: 'left' | 'center' | 'right' | 'justify';
  role: string;
}

/** Text of a line as drawn (words joined by single spaces). */
export function lineText(line: FlowLine): string {
  return line.words.map((word) => word.parts.map((part) => part.text).join('')).join(' ');
}

/** Draws one broken line; justified lines (all but a paragraph's last) stretch their spaces to the full width. Returns the line's box. */
export function drawLine(canvas: Nd30Canvas, line: FlowLine, options: DrawLineOptions): LayoutBox {
  const available = options.width - line.indent;
  const gaps = line.words.length - 1;
  const stretch = options.align === 'justify' && !line.last && gaps > 0 ? (available - line.natural) / gaps : 0;
  const drawn = line.natural + stretch * gaps;
  let x = options.x + line.indent;
  if (options.align === 'center') x += (available - drawn) / 2;
  if (options.align === 'right') x += available - drawn;
  const start = x;
  // Consecutive words in one face go out as one string (pdfkit spreads its spaces by wordSpacing); a face change starts a new string.
  let segment: { text: string; face: FontFace; x: number; spaces: number } | undefined;
  const flush = () => {
    if (!segment) return;
    canvas.text(segment.text, { size: options.size, face: segment.face }, { x: segment.x, baseline: options.baseline, wordSpacing: stretch, role: `${options.role}-segment` });
    segment = undefined;
  };
  line.words.forEach((word, index) => {
    if (index > 0) x += word.space + stretch;
    for (const [partIndex, part] of word.parts.entries()) {
      if (/\s/.test(part.text)) {
        // pdfkit spreads wordSpacing over every white space, no-break ones too: such a part goes out alone, unstretched.
        flush();
        canvas.text(part.text, { size: options.size, face: part.face }, { x, baseline: options.baseline, role: `${options.role}-segment` });
        x += part.width;
        continue;
      }
      const joinsSegment = segment && segment.face === part.face && (partIndex > 0 || index > 0);
      if (joinsSegment && segment) {
        segment.text += partIndex === 0 ? ` ${part.text}` : part.text;
      } else {
        flush();
        segment = { text: part.text, face: part.face, x, spaces: 0 };
      }
      x += part.width;
    }
  });
  flush();
  const ascent = canvas.ascent({ size: options.size });
  const text = lineText(line);
  const box: LayoutBox = {
    page: canvas.page,
    role: options.role,
    text,
    x: start,
    y: options.baseline - ascent,
    width: drawn,
    height: ascent + canvas.descent({ size: options.size }),
    baseline: options.baseline,
    size: options.size,
    face: line.words[0]?.parts[0]?.face,
  };
  if (canvas.boxes) {
    box.inkBottom = options.baseline + canvas.inkDepth(text, { size: options.size });
    canvas.boxes.push(box);
  }
  return box;
}
