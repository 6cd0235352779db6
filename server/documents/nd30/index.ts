// The ND30 document builders: what the services call (pure: data in, PDF stream out).
export { renderLetterPdf, traceLetterLayout, letterSymbol, isDraft, invitationParagraphs, officialParagraphs, appendixReference, recipientLines } from './letter.ts';
export type { LetterRenderOptions } from './letter.ts';
export { renderSlipsPdf, traceSlipsLayout, SLIP_LAYOUT } from './slips.ts';
export type { SlipRenderOptions } from './slips.ts';
export { Nd30Canvas, PREVIEW_MARKER, measureText } from './canvas.ts';
export type { LayoutBox, PageInfo, DocumentLayout, CanvasOptions, TextStyle } from './canvas.ts';
export { ND30_DEFAULTS, A4, mm, PT_PER_MM, textWidth, lineHeight, checkNd30Config } from './config.ts';
export type { Nd30Config, Ranged } from './config.ts';
export * from './format.ts';
export { QUOC_HIEU, TIEU_NGU, upper } from './heading.ts';
export { romanNumeral } from './appendix.ts';
export type { RichText, TextRun } from './text-flow.ts';
export type * from './types.ts';
export {
  renderSignInSheetPdf,
  traceSignInSheetLayout,
  attendanceStatus,
  isAttending,
  signInNote,
  attendanceNote,
  signInCounts,
  signInTotalLine,
  signInGroupHeading,
  signInDetailsLine,
  signInCells,
  SIGN_IN_TITLE,
  SIGN_IN_HEADERS,
  STATUS_WORDS,
  NEEDS_REVIEW_NOTE,
  PREPARER_TITLE,
  ORGANIZER_TITLE,
  SIGNATURE_HINT,
} from './sign-in-sheet.ts';
export type { SignInSheetRenderOptions } from './sign-in-sheet.ts';
export { renderResultsReportPdf, traceResultsReportLayout } from './results-report.ts';
export type { ResultsReportRenderOptions } from './results-report.ts';
