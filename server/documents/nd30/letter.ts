// The letters themselves: giấy mời (Mẫu 1.7) and công văn triệu tập, as streamed PDFs.
import type { Readable } from 'node:stream';
import { drawInviteeAppendix } from './appendix.ts';
import { Nd30Canvas, type CanvasOptions, type DocumentLayout } from './canvas.ts';
import { lineHeight } from './config.ts';
import { documentSymbol, formatDocumentDate, formatNumberLine, formatNumberSymbol, formatPlaceDate, formatSessionTime, nfc } from './format.ts';
import { drawHeading } from './heading.ts';
import { drawLine, plainText, wrapBalanced, wrapText, type RichText, type TextRun } from './text-flow.ts';
import { BodyFlow, keepWithSignature } from './body-flow.ts';
import { signatureBlock, type SignatureBlock } from './signature.ts';
import type { InvitationLetter, Letter, OfficialLetter } from './types.ts';

/** How to render: fonts, configuration; everything optional. */
export type LetterRenderOptions = Pick<CanvasOptions, 'fontDir' | 'fonts' | 'config' | 'creationDate'>;

/** "GM-UBND" or "UBND-VP": the symbol after the number. */
export function letterSymbol(letter: Letter): string {
  return letter.kind === 'giay-moi' ? documentSymbol('giay-moi', letter.agency.symbol) : documentSymbol('cong-van', letter.agency.symbol, letter.draftingUnit);
}

/** A draft shows no number: it has none yet, or it is explicitly a preview. */
export function isDraft(letter: Letter): boolean {
  return Boolean(letter.preview) || letter.number == null;
}

function trimEnd(text: string): string {
  return nfc(text).trim().replace(/[\s.;,:]+$/u, '');
}

/** Appends "./." to a paragraph's last run (the decree's end of a document's body). */
function withEndMark(text: RichText): RichText {
  if (typeof text === 'string') return `${trimEnd(text)}./.`;
  const runs: TextRun[] = text.map((run) => ({ ...run }));
  const last = runs.at(-1);
  if (last) last.text = `${trimEnd(last.text)}./.`;
  return runs;
}

/** The giấy mời's body paragraphs in order (Mẫu 1.7), the last one ending with "./.". */
export function invitationParagraphs(letter: InvitationLetter): RichText[] {
  const hasList = Boolean(letter.appendix?.groups.some((group) => group.invitees.length > 0));
  const paragraphs: RichText[] = [...(letter.basis ?? [])];
  paragraphs.push(`${nfc(letter.issuerName).trim()} trân trọng kính mời: ${trimEnd(letter.invitees)}${hasList ? ' (có danh sách kèm theo)' : ''}.`);
  paragraphs.push(`Tới dự ${trimEnd(letter.event)}.`);
  if (letter.chair?.trim()) paragraphs.push(`Chủ trì: ${trimEnd(letter.chair)}.`);
  paragraphs.push(`Thời gian: ${formatSessionTime(letter.time)}.`);
  paragraphs.push(`Địa điểm: ${trimEnd(letter.venue)}.`);
  paragraphs.push(...(letter.notes ?? []));
  paragraphs[paragraphs.length - 1] = withEndMark(paragraphs[paragraphs.length - 1]!);
  return paragraphs;
}

/** The công văn's paragraphs, the last one ending with "./.". */
export function officialParagraphs(letter: OfficialLetter): RichText[] {
  const paragraphs = [...letter.paragraphs];
  if (paragraphs.length === 0) throw new Error('a công văn needs at least one paragraph');
  paragraphs[paragraphs.length - 1] = withEndMark(paragraphs[paragraphs.length - 1]!);
  return paragraphs;
}

/** The "Kèm theo …" reference of the appendix: "Kèm theo Giấy mời số 12/GM-UBND ngày 06 tháng 5 năm 2022 của Ủy ban nhân dân huyện Gò Dầu". */
export function appendixReference(letter: Letter): string {
  const type = letter.kind === 'giay-moi' ? 'Giấy mời' : 'Công văn';
  const number = formatNumberSymbol(isDraft(letter) ? null : letter.number, letterSymbol(letter));
  return `Kèm theo ${type} số ${number} ${formatDocumentDate(letter.date)} của ${nfc(letter.issuerName).trim()}`;
}

/** The Nơi nhận lines: "- …;" each, the last "- Lưu: VT, …". */
export function recipientLines(letter: Letter): string[] {
  const lines = letter.recipients
    .map((recipient) => nfc(recipient).trim().replace(/^[-–•]\s*/u, ''))
    .map(trimEnd)
    .filter((recipient) => recipient.length > 0)
    .map((recipient) => `- ${recipient};`);
  lines.push(`- Lưu: ${trimEnd(letter.archive?.trim() || 'VT')}.`);
  return lines;
}

function signature(canvas: Nd30Canvas, letter: Letter): SignatureBlock {
  return signatureBlock(canvas, {
    authorityLines: letter.signer?.authorityLines ?? letter.agency.signerAuthorityLines,
    signerName: letter.signer?.name ?? letter.agency.signerName,
    recipients: recipientLines(letter),
  });
}

/** Lays the whole letter (and its appendix) out on a canvas. */
function drawLetter(canvas: Nd30Canvas, letter: Letter): void {
  const { config, area } = canvas;
  const draft = isDraft(letter);
  const symbol = letterSymbol(letter);
  canvas.newPage('letter');
  let y = drawHeading(canvas, {
    parentName: letter.agency.parentName,
    nameLines: letter.agency.nameLines,
    numberLine: formatNumberLine(draft ? null : letter.number, symbol),
    placeDate: formatPlaceDate(letter.agency.placeName, letter.date),
    subjectLine: letter.kind === 'cong-van' ? `V/v ${nfc(letter.subject).trim().replace(/^V\/v\s*/iu, '')}` : undefined,
  });

  const flow = new BodyFlow(canvas, y + config.spacing.beforeDocType);
  let paragraphs: RichText[];
  if (letter.kind === 'giay-moi') {
    const size = config.sizes.docType.value;
    const typeBox = canvas.text('GIẤY MỜI', { size, face: 'bold' }, { x: area.left, width: canvas.width, align: 'center', baseline: flow.y + canvas.ascent({ size, face: 'bold' }), role: 'doc-type' });
    y = typeBox.y + lineHeight(config, size);
    if (letter.summary?.trim()) {
      const summarySize = config.sizes.summary.value;
      const summaryWidth = canvas.width * config.shares.summary;
      const boxes = wrapBalanced(canvas, letter.summary, { size: summarySize, face: 'bold', width: summaryWidth }).map((line, index) =>
        drawLine(canvas, line, {
          x: area.left + (canvas.width - summaryWidth) / 2,
          width: summaryWidth,
          baseline: y + canvas.ascent({ size: summarySize }) + index * lineHeight(config, summarySize),
          size: summarySize,
          align: 'center',
          role: 'summary',
        }),
      );
      const last = boxes.at(-1)!;
      const widest = Math.max(...boxes.map((box) => box.width));
      const rule = canvas.ruleUnder({ ...last, face: 'bold', x: area.left, width: canvas.width }, widest * config.rules.shortRatio.value, 'summary-rule');
      y = rule.y + rule.height;
    } else {
      y = typeBox.y + typeBox.height;
    }
    flow.y = y + config.spacing.afterSummary;
    paragraphs = invitationParagraphs(letter);
  } else {
    drawAddressees(canvas, flow, letter.addressees);
    paragraphs = officialParagraphs(letter);
  }

  for (const paragraph of paragraphs.slice(0, -1)) flow.paragraph(flow.lines(paragraph));
  keepWithSignature(flow, flow.lines(paragraphs.at(-1)!), signature(canvas, letter));

  const appendix = letter.appendix;
  if (appendix && appendix.groups.some((group) => group.invitees.length > 0)) {
    drawInviteeAppendix(canvas, appendix, appendixReference(letter), 'appendix-1');
  }
}

/** "Kính gửi: …": one addressee on the line, several as a list of "- …;" beside the label. */
function drawAddressees(canvas: Nd30Canvas, flow: BodyFlow, addressees: string[]): void {
  const names = addressees.map((name) => trimEnd(name.replace(/^[-–•]\s*/u, ''))).filter(Boolean);
  if (names.length === 0) throw new Error('a công văn needs at least one addressee (Kính gửi)');
  const size = flow.size;
  const label = 'Kính gửi:';
  const labelWidth = canvas.measure(`${label} `, { size });
  const items = names.length === 1 ? [`${names[0]}.`] : names.map((name, index) => `- ${name}${index === names.length - 1 ? '.' : ';'}`);
  const widest = Math.max(...items.map((item) => canvas.measure(item, { size })));
  const blockWidth = Math.min(canvas.width - canvas.config.body.firstLineIndent, labelWidth + widest);
  const x = canvas.area.left + Math.max(canvas.config.body.firstLineIndent, (canvas.width - blockWidth) / 2);
  const itemX = x + labelWidth;
  const itemWidth = canvas.area.right - itemX;
  const leading = (flow.pitch - canvas.ascent({ size }) - canvas.descent({ size })) / 2;
  canvas.text(label, { size }, { x, baseline: flow.y + leading + canvas.ascent({ size }), role: 'addressee-label' });
  for (const item of items) {
    const lines = wrapText(canvas, item, { size, width: itemWidth, restIndent: names.length > 1 ? canvas.measure('- ', { size }) : 0 });
    flow.drawLines(lines, 'addressee', 'left', itemX, itemWidth);
  }
  flow.y += canvas.config.body.paragraphSpacing.value + canvas.config.spacing.afterAddressees;
}

function canvasFor(letter: Letter, options: LetterRenderOptions, trace: boolean): Nd30Canvas {
  const title = letter.kind === 'giay-moi' ? `Giấy mời ${plainText(letter.summary ?? letter.event)}` : `V/v ${plainText(letter.subject)}`;
  return new Nd30Canvas({ ...options, preview: isDraft(letter), trace, title, author: letter.issuerName });
}

/** The letter as a PDF stream (pdfkit's document, ended): heading, body, signature, and the invitee appendix if any. */
export function renderLetterPdf(letter: Letter, options: LetterRenderOptions = {}): Readable {
  const canvas = canvasFor(letter, options, false);
  drawLetter(canvas, letter);
  return canvas.finishPdf();
}

/** The same rendering with every box recorded, for layout checks; the PDF bytes are discarded. */
export function traceLetterLayout(letter: Letter, options: LetterRenderOptions = {}): DocumentLayout {
  const canvas = canvasFor(letter, options, true);
  drawLetter(canvas, letter);
  return canvas.finishTrace();
}
