// The vertical flow of a document's body over pages (paragraphs with no lone line at a page's foot or top), and
// the closing paragraph kept on one page with the signing block: shared by letters and the results report.
import type { Nd30Canvas } from './canvas.ts';
import { lineHeight } from './config.ts';
import type { FontFace } from '../fonts.ts';
import { drawLine, wrapText, type FlowLine, type RichText } from './text-flow.ts';
import type { SignatureBlock } from './signature.ts';

export class BodyFlow {
  y: number;
  constructor(
    readonly canvas: Nd30Canvas,
    y: number,
  ) {
    this.y = y;
  }

  get size(): number {
    return this.canvas.config.sizes.body.value;
  }

  get pitch(): number {
    return lineHeight(this.canvas.config, this.size, this.canvas.config.body.lineSpacing.value);
  }

  get room(): number {
    return this.canvas.area.bottom - this.y;
  }

  get pageRoom(): number {
    return this.canvas.area.bottom - this.canvas.area.top;
  }

  get atPageTop(): boolean {
    return this.y <= this.canvas.area.top + 0.01;
  }

  nextPage(): void {
    this.canvas.newPage();
    this.y = this.canvas.area.top;
  }

  /** A new page unless `height` still fits. */
  ensure(height: number): void {
    if (height > this.room + 0.01 && !this.atPageTop) this.nextPage();
  }

  /** The body's lines of `text`: first line indented unless `indent` is false; `hanging` indents the others. */
  lines(text: RichText, options: { indent?: boolean; face?: FontFace; hanging?: number } = {}): FlowLine[] {
    return wrapText(this.canvas, text, {
      size: this.size,
      face: options.face,
      width: this.canvas.width,
      firstIndent: (options.indent ?? true) ? this.canvas.config.body.firstLineIndent : 0,
      restIndent: options.hanging ?? 0,
    });
  }

  drawLines(lines: FlowLine[], role: string, align: 'justify' | 'left' | 'center' = 'justify', x = this.canvas.area.left, width = this.canvas.width): void {
    const { canvas, size, pitch } = this;
    const leading = (pitch - canvas.ascent({ size }) - canvas.descent({ size })) / 2;
    for (const line of lines) {
      drawLine(canvas, line, { x, width, baseline: this.y + leading + canvas.ascent({ size }), size, align, role });
      this.y += pitch;
    }
  }

  /** A paragraph over pages: at least two lines at a page's foot and two at the next page's top. */
  paragraph(lines: FlowLine[], role = 'body-line', align: 'justify' | 'left' = 'justify'): void {
    let rest = lines;
    while (rest.length > 0) {
      const fits = Math.floor((this.room + 0.01) / this.pitch);
      if (fits >= rest.length) {
        this.drawLines(rest, role, align);
        break;
      }
      let here = Math.min(fits, rest.length - 2);
      if (here < 2 && !this.atPageTop) here = 0;
      if (this.atPageTop) here = Math.max(here, Math.min(fits, rest.length), 1);
      this.drawLines(rest.slice(0, here), role, align);
      rest = rest.slice(here);
      if (rest.length > 0) this.nextPage();
    }
    this.y += this.canvas.config.body.paragraphSpacing.value;
  }
}

/**
 * The last paragraph and the signing block share a page: never a signature alone on a page. When they do not fit
 * here, the paragraph goes with the block to the next page (a paragraph too long for that keeps as many of its
 * last lines with the block as fit).
 */
export function keepWithSignature(flow: BodyFlow, lines: FlowLine[], block: SignatureBlock): void {
  const { config } = flow.canvas;
  const blockRoom = config.spacing.beforeSignature + block.height;
  if (lines.length * flow.pitch + blockRoom > flow.room + 0.01) {
    const onFreshPage = Math.floor((flow.pageRoom - blockRoom + 0.01) / flow.pitch);
    if (lines.length <= onFreshPage) {
      flow.nextPage();
    } else {
      const withBlock = Math.max(2, onFreshPage);
      flow.paragraph(lines.slice(0, lines.length - withBlock));
      flow.y -= config.body.paragraphSpacing.value;
      flow.nextPage();
      lines = lines.slice(lines.length - withBlock);
    }
  }
  flow.drawLines(lines, 'body-line');
  flow.y += config.spacing.beforeSignature;
  block.draw(flow.y);
  flow.y += block.height;
}
