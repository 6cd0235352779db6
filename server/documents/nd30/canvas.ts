// A pdfkit document set up for ND30 documents: the serif family registered, every text NFC and placed by
// its baseline, rules drawn clear of the dots under Vietnamese letters, pages numbered per section, and
// (when tracing) a record of every box drawn, so tests can check the layout against the decree.
import PDFDocument from 'pdfkit';
import { FONT_FACES, fontBytes, openFontFile, resolveFonts, type FontFace, type FontOptions, type FontSet } from '../fonts.ts';
import { A4, ND30_DEFAULTS, type Nd30Config } from './config.ts';
import { nfc } from './format.ts';

/** One thing drawn, in points from the page's top-left corner. */
export interface LayoutBox {
  /** 1-based index of the physical page in the file. */
  page: number;
  /** What it is: "quoc-hieu", "tieu-ngu-rule", "body-line", "signer-name", "page-number", … */
  role: string;
  text?: string;
  x: number;
  /** Top of the box (for text: baseline minus the font's ascent). */
  y: number;
  width: number;
  height: number;
  /** Text only: its baseline, size and face. */
  baseline?: number;
  size?: number;
  face?: FontFace;
  /** Lowest ink below the baseline (text only): where a rule under it must stay clear of. */
  inkBottom?: number;
  /** Boxes drawn in the margins by design (page number, preview marker) say so. */
  inMargin?: boolean;
}

/** A page of the file and the numbering it belongs to. */
export interface PageInfo {
  /** 1-based physical page. */
  page: number;
  /** "letter" for the document itself, "appendix-1" … for each appendix, "slips". */
  section: string;
  /** Page within its section, 1-based. */
  numberInSection: number;
  /** What is printed at the top ("2", "3", …), null on a section's first page. */
  printedNumber: string | null;
}

/** Everything a test needs to judge a rendered document's layout. */
export interface DocumentLayout {
  config: Nd30Config;
  fonts: FontSet;
  pageWidth: number;
  pageHeight: number;
  /** The text area: margins as configured. */
  area: { left: number; right: number; top: number; bottom: number };
  pages: PageInfo[];
  boxes: LayoutBox[];
}

export interface CanvasOptions extends FontOptions {
  config?: Nd30Config;
  /** A fixed font set (tests); otherwise resolved from fontDir and the system. */
  fonts?: FontSet;
  /** Draft: a grey "BẢN XEM TRƯỚC" in the top margin of every page. */
  preview?: boolean;
  /** Keep a record of every box drawn. */
  trace?: boolean;
  title?: string;
  author?: string;
  subject?: string;
  /** Page margins other than the configuration's (slips use their own). */
  margins?: { top: number; bottom: number; left: number; right: number };
  /** Draw page numbers from each section's second page (letters); off for slips. */
  numberPages?: boolean;
  /** The PDF's CreationDate (pdfkit derives the file ID from it): fixed from the data, the same data gives the same bytes. Default: now. */
  creationDate?: Date;
}

export interface TextStyle {
  face?: FontFace;
  size: number;
  color?: string;
}

/** Grey of the draft marker: visible, and plainly not part of an issued letter. */
const PREVIEW_GREY = '#8a8a8a';
export const PREVIEW_MARKER = 'BẢN XEM TRƯỚC - CHƯA PHÁT HÀNH';

/** The drawing surface of one document. */
export class Nd30Canvas {
  readonly doc: PDFKit.PDFDocument;
  readonly config: Nd30Config;
  readonly fonts: FontSet;
  readonly area: { left: number; right: number; top: number; bottom: number };
  readonly pages: PageInfo[] = [];
  readonly boxes: LayoutBox[] | undefined;
  private readonly preview: boolean;
  private readonly numberPages: boolean;
  private section = 'letter';
  private current = 0;
  private readonly widthCache = new Map<string, number>();

  constructor(options: CanvasOptions = {}) {
    this.config = options.config ?? ND30_DEFAULTS;
    this.fonts = options.fonts ?? resolveFonts({ fontDir: options.fontDir });
    this.preview = options.preview ?? false;
    this.numberPages = options.numberPages ?? true;
    this.boxes = options.trace ? [] : undefined;
    const margins = options.margins ?? {
      top: this.config.margins.top.value,
      bottom: this.config.margins.bottom.value,
      left: this.config.margins.left.value,
      right: this.config.margins.right.value,
    };
    this.area = { left: margins.left, right: A4.width - margins.right, top: margins.top, bottom: A4.height - margins.bottom };
    // pdfkit fails on an undefined info entry: only the ones given go in.
    const info: PDFKit.DocumentInfo = { Creator: 'Tập huấn' };
    if (options.title) info.Title = nfc(options.title);
    if (options.author) info.Author = nfc(options.author);
    if (options.subject) info.Subject = nfc(options.subject);
    if (options.creationDate) info.CreationDate = options.creationDate;
    this.doc = new PDFDocument({ size: 'A4', autoFirstPage: false, margins, lang: 'vi-VN', displayTitle: Boolean(options.title), info });
    for (const face of FONT_FACES) this.doc.registerFont(face, fontBytes(this.fonts.files[face]));
    this.doc.font('regular');
  }

  /** Width of the text area. */
  get width(): number {
    return this.area.right - this.area.left;
  }

  /** The current physical page, 1-based (0 before the first). */
  get page(): number {
    return this.current;
  }

  /** Starts a page; `section` restarts the numbering (an appendix is numbered on its own). */
  newPage(section?: string): void {
    if (section !== undefined) this.section = section;
    this.doc.addPage();
    this.current += 1;
    const previous = this.pages.at(-1);
    const numberInSection = previous && previous.section === this.section ? previous.numberInSection + 1 : 1;
    const printedNumber = this.numberPages && numberInSection >= 2 ? String(numberInSection) : null;
    this.pages.push({ page: this.current, section: this.section, numberInSection, printedNumber });
    const size = this.config.sizes.pageNumber.value;
    // Centred in the top margin: baseline half-way down the margin, lowered by half the cap height.
    const marginBaseline = this.area.top / 2 + size * 0.33;
    if (printedNumber) {
      this.text(printedNumber, { size }, { x: this.area.left, width: this.width, align: 'center', baseline: marginBaseline, role: 'page-number', inMargin: true });
    }
    if (this.preview) {
      this.text(
        PREVIEW_MARKER,
        { size: this.config.sizes.previewMarker, face: 'bold', color: PREVIEW_GREY },
        { x: this.area.left, width: this.width, align: 'right', baseline: marginBaseline, role: 'preview-marker', inMargin: true },
      );
    }
  }

  /** Advance width of a text in a face and size (with the font's kerning), as pdfkit draws it. */
  measure(text: string, style: TextStyle): number {
    const face = style.face ?? 'regular';
    const key = `${face}\u0000${style.size}\u0000${text}`;
    let width = this.widthCache.get(key);
    if (width === undefined) {
      width = this.doc.font(face).fontSize(style.size).widthOfString(nfc(text));
      if (this.widthCache.size > 20_000) this.widthCache.clear();
      this.widthCache.set(key, width);
    }
    return width;
  }

  /** Distance from the baseline up to the top of the line box (the font's ascent). */
  ascent(style: TextStyle): number {
    const font = openFontFile(this.fonts.files[style.face ?? 'regular']);
    return (font.ascent / font.unitsPerEm) * style.size;
  }

  /** Distance from the baseline down to the bottom of the line box (the font's descent, positive). */
  descent(style: TextStyle): number {
    const font = openFontFile(this.fonts.files[style.face ?? 'regular']);
    return (-font.descent / font.unitsPerEm) * style.size;
  }

  /** How far below the baseline the ink of this text reaches (descenders, the dot under ạ, ệ), positive. */
  inkDepth(text: string, style: TextStyle): number {
    const font = openFontFile(this.fonts.files[style.face ?? 'regular']);
    let lowest = 0;
    for (const glyph of font.layout(nfc(text)).glyphs) lowest = Math.min(lowest, glyph.bbox.minY);
    return (-lowest / font.unitsPerEm) * style.size;
  }

  /**
   * Draws one line of text with its baseline at `baseline`. With `width` it is aligned in that box;
   * `wordSpacing` adds space to every gap (justified lines). Returns the box drawn.
   */
  text(
    raw: string,
    style: TextStyle,
    place: { x: number; baseline: number; width?: number; align?: 'left' | 'center' | 'right'; wordSpacing?: number; role: string; inMargin?: boolean },
  ): LayoutBox {
    const text = nfc(raw);
    const face = style.face ?? 'regular';
    const natural = this.measure(text, style);
    const gaps = place.wordSpacing ? (text.trim().match(/\s+/g)?.length ?? 0) : 0;
    const width = natural + gaps * (place.wordSpacing ?? 0);
    let x = place.x;
    if (place.width !== undefined && place.align === 'center') x += (place.width - width) / 2;
    if (place.width !== undefined && place.align === 'right') x += place.width - width;
    this.doc.font(face).fontSize(style.size).fillColor(style.color ?? '#000000');
    this.doc.text(text, x, place.baseline, { lineBreak: false, baseline: 'alphabetic', wordSpacing: place.wordSpacing || undefined });
    const ascent = this.ascent(style);
    const box: LayoutBox = {
      page: this.current,
      role: place.role,
      text,
      x,
      y: place.baseline - ascent,
      width,
      height: ascent + this.descent(style),
      baseline: place.baseline,
      size: style.size,
      face,
    };
    if (this.boxes) {
      box.inkBottom = place.baseline + this.inkDepth(text, style);
      if (place.inMargin) box.inMargin = true;
      this.boxes.push(box);
    }
    return box;
  }

  /** A horizontal rule from x over `length`, its centre line at y. */
  rule(x: number, y: number, length: number, role: string): LayoutBox {
    const thickness = this.config.rules.thickness;
    this.doc.save().lineWidth(thickness).strokeColor('#000000').moveTo(x, y).lineTo(x + length, y).stroke().restore();
    const box: LayoutBox = { page: this.current, role, x, y: y - thickness / 2, width: length, height: thickness };
    this.boxes?.push(box);
    return box;
  }

  /** The rule under a line of text: centred under `under` (or the given span), clear of its ink by the configured offset. */
  ruleUnder(under: LayoutBox, length: number, role: string): LayoutBox {
    const style = { size: under.size!, face: under.face };
    const y = under.baseline! + this.inkDepth(under.text ?? '', style) + this.config.rules.offset.value + this.config.rules.thickness / 2;
    return this.rule(under.x + (under.width - length) / 2, y, length, role);
  }

  /** Records a box drawn by other means (table cells, QR codes). */
  record(box: Omit<LayoutBox, 'page'>): void {
    this.boxes?.push({ page: this.current, ...box });
  }

  /** Ends the document and returns it as the PDF stream. */
  finishPdf(): PDFKit.PDFDocument {
    this.doc.end();
    return this.doc;
  }

  /** Ends a traced document, lets its bytes go, and returns the boxes drawn (layout checks). */
  finishTrace(): DocumentLayout {
    this.doc.end();
    this.doc.resume();
    return this.layout();
  }

  /** The layout so far (tracing only). */
  layout(): DocumentLayout {
    return {
      config: this.config,
      fonts: this.fonts,
      pageWidth: A4.width,
      pageHeight: A4.height,
      area: { ...this.area },
      pages: [...this.pages],
      boxes: this.boxes ?? [],
    };
  }
}

const measurers = new Map<string, Nd30Canvas>();

/**
 * Width in points of a text in the documents' font (resolved as the builders resolve it), for callers
 * and tests sizing their own boxes: measureText('CỘNG HÒA …', { size: 13, face: 'bold' }).
 */
export function measureText(text: string, style: TextStyle, options: Pick<CanvasOptions, 'fontDir' | 'fonts'> = {}): number {
  const fonts = options.fonts ?? resolveFonts({ fontDir: options.fontDir });
  const key = Object.values(fonts.files).join('\u0000');
  let canvas = measurers.get(key);
  if (!canvas) {
    canvas = new Nd30Canvas({ fonts });
    // Only measured, never drawn or read: let its (empty) output go.
    canvas.doc.resume();
    measurers.set(key, canvas);
  }
  return canvas.measure(text, style);
}
