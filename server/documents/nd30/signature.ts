// The signing block (right: authority lines, room to sign, the signer's name) beside "Nơi nhận" (left), shared
// by every ND30 document that is signed. Measured before drawing, so a caller can keep it with the paragraph above.
import type { Nd30Canvas } from './canvas.ts';
import { lineHeight } from './config.ts';
import { nfc } from './format.ts';
import { upper } from './heading.ts';
import { drawLine, wrapText } from './text-flow.ts';

export interface SignatureBlock {
  height: number;
  draw(top: number): void;
}

/** Measures the block for these authority lines ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"), signer and recipients. */
export function signatureBlock(canvas: Nd30Canvas, content: { authorityLines: readonly string[]; signerName: string; recipients: readonly string[] }): SignatureBlock {
  const { config } = canvas;
  const sizes = config.sizes;
  const authority = content.authorityLines.map(upper).map((line) => line.trim()).filter(Boolean);
  const signerName = nfc(content.signerName).trim();
  const authorityStyle = { size: sizes.authority.value, face: 'bold' as const };
  const nameStyle = { size: sizes.signerName.value, face: 'bold' as const };
  const labelStyle = { size: sizes.recipientsLabel.value, face: 'boldItalic' as const };
  const listSize = sizes.recipients.value;
  const left = { x: canvas.area.left, width: config.columns.left };
  const right = { x: canvas.area.left + config.columns.left, width: canvas.width - config.columns.left };
  const authorityPitch = lineHeight(config, authorityStyle.size);
  const listPitch = lineHeight(config, listSize);
  const dash = canvas.measure('- ', { size: listSize });
  const recipients = content.recipients.flatMap((line) => wrapText(canvas, line, { size: listSize, width: left.width - 4, restIndent: dash }));

  const firstBaselineOffset = canvas.ascent(authorityStyle);
  const lastAuthorityOffset = firstBaselineOffset + (authority.length - 1) * authorityPitch;
  const nameOffset = lastAuthorityOffset + canvas.descent(authorityStyle) + config.spacing.signatureGap.value + canvas.ascent(nameStyle);
  const rightHeight = nameOffset + canvas.descent(nameStyle);
  const listStart = firstBaselineOffset + lineHeight(config, labelStyle.size);
  const leftHeight = listStart + (recipients.length - 1) * listPitch + canvas.descent({ size: listSize });

  const draw = (top: number) => {
    const baseline = top + firstBaselineOffset;
    authority.forEach((line, index) => {
      canvas.text(line, authorityStyle, { ...right, align: 'center', baseline: baseline + index * authorityPitch, role: 'authority' });
    });
    canvas.record({ role: 'signature-space', x: right.x, y: baseline + (authority.length - 1) * authorityPitch + canvas.descent(authorityStyle), width: right.width, height: config.spacing.signatureGap.value });
    if (signerName) canvas.text(signerName, nameStyle, { ...right, align: 'center', baseline: top + nameOffset, role: 'signer-name' });
    canvas.text('Nơi nhận:', labelStyle, { x: left.x, baseline, role: 'recipients-label' });
    recipients.forEach((line, index) => {
      drawLine(canvas, line, { x: left.x, width: left.width, baseline: top + listStart + index * listPitch, size: listSize, align: 'left', role: 'recipient' });
    });
  };
  return { height: Math.max(rightHeight, leftHeight), draw };
}
