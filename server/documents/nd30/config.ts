// Every number of Nghị định 30/2020/NĐ-CP, Phụ lục I, that the document builders use, in one place:
// the decree may be amended and agencies choose within its ranges, so nothing else hard-codes a size.

/** Points per millimetre (1 in = 25.4 mm = 72 pt). */
export const PT_PER_MM = 72 / 25.4;

/** Millimetres to PDF points. */
export function mm(value: number): number {
  return value * PT_PER_MM;
}

/** A4 portrait in points. */
export const A4 = { width: 595.28, height: 841.89 } as const;

/** A number the decree allows within a range, and the value used. */
export interface Ranged {
  value: number;
  min: number;
  max: number;
}

function ranged(value: number, min: number, max: number): Ranged {
  return { value, min, max };
}

/** The layout of an ND30 document; all lengths in points, sizes in points, ratios plain. */
export interface Nd30Config {
  margins: { top: Ranged; bottom: Ranged; left: Ranged; right: Ranged };
  /** Heading grid on page 1: left column (issuing body, Số) and right column (national heading, place and date). */
  columns: { left: number; right: number };
  /** Quốc hiệu needs this width at its size; it is shrunk (down to its minimum) until it fits its column. */
  sizes: {
    parentBody: Ranged;
    issuingBody: Ranged;
    quocHieu: Ranged;
    tieuNgu: Ranged;
    number: Ranged;
    placeDate: Ranged;
    subjectLine: Ranged;
    docType: Ranged;
    summary: Ranged;
    body: Ranged;
    authority: Ranged;
    signerName: Ranged;
    recipientsLabel: Ranged;
    recipients: Ranged;
    pageNumber: Ranged;
    appendixLabel: Ranged;
    appendixTitle: Ranged;
    appendixReference: Ranged;
    table: Ranged;
    previewMarker: number;
  };
  rules: {
    /** Gap between the lowest ink of the underlined line and the rule (closer cuts the dots under ệ, ạ, ậ). */
    offset: Ranged;
    /** Rule under the issuing body and under the summary: this share of the line's length (1/3–1/2). */
    shortRatio: Ranged;
    /** Rule under the appendix reference line. */
    appendixRatio: Ranged;
    thickness: number;
  };
  body: {
    firstLineIndent: number;
    /** Space after each paragraph (≥ 6 pt). */
    paragraphSpacing: Ranged;
    /** Line spacing as a multiple of single (1 to 1.5). */
    lineSpacing: Ranged;
  };
  /** Single line spacing as a share of the font size (Times and its metric clones: ascent + descent + gap ≈ 1.15 em). */
  singleLine: number;
  spacing: {
    /** Between the heading block and the Số line. */
    beforeNumberLine: number;
    /** Between the Số line and the document type (giấy mời) or the Kính gửi line (công văn). */
    beforeDocType: number;
    /** Between the summary's rule and the first paragraph. */
    afterSummary: number;
    /** Between the last paragraph and the signing authority / Nơi nhận. */
    beforeSignature: number;
    /** Blank space for the signature and seal, between the authority and the signer's name (20–25 mm). */
    signatureGap: Ranged;
    /** Between the "V/v …" lines and the Số line above them (công văn). */
    beforeSubjectLine: number;
    /** Left and right inset of the "V/v …" lines inside the left column. */
    subjectLineInset: number;
    /** Extra space after the Kính gửi block. */
    afterAddressees: number;
    /** Between the appendix's rule and its table. */
    afterAppendixHeading: number;
  };
  /** Widths of centred blocks as shares of the text width. */
  shares: {
    /** The summary (trích yếu) under "GIẤY MỜI". */
    summary: number;
    /** The appendix title and its "Kèm theo …" line. */
    appendixHeading: number;
  };
  table: {
    /** Appendix columns STT / Họ và tên / Chức vụ / Đơn vị, as shares of the text width. */
    columns: [number, number, number, number];
    padding: number;
    borderWidth: number;
  };
  /** The sign-in sheet (danh sách đại biểu tham dự): a convention, not the decree's. */
  signInSheet: {
    /** "DANH SÁCH ĐẠI BIỂU THAM DỰ" and the event name, bold. */
    titleSize: number;
    /** "(Kèm theo …)" and "Thời gian: … - Địa điểm: …", italic. */
    detailSize: number;
    /** The table's text. */
    tableSize: number;
    /** STT / Họ và tên / Chức vụ / Đơn vị / Giờ điểm danh / Ký tên / Ghi chú, as shares of the text width. */
    columns: [number, number, number, number, number, number, number];
    /** Each person's row at least this tall: room to sign by hand. */
    minRowHeight: number;
    /** "Tổng số: …" under the table. */
    totalSize: number;
    /** "(Ký, ghi rõ họ tên)" under a signature title with no printed name, italic. */
    hintSize: number;
    /** Between the heading and the title. */
    beforeTitle: number;
    /** Between the title block and the table. */
    beforeTable: number;
    /** Between the table and "Tổng số". */
    beforeTotal: number;
    /** Between "Tổng số" and the signature blocks. */
    beforeSignatures: number;
  };
  /** The results report (báo cáo kết quả); optional so configurations written before it keep working. */
  resultsReport?: ResultsReportLayout;
}

/** The results report's tables and spacing: lengths in points. */
export interface ResultsReportLayout {
  /** Every table's text. */
  tableSize: number;
  /** STT column of every table. */
  numberColumn: number;
  /** Each count column of a session's table (Được mời, Có mặt, …). */
  countColumn: number;
  /** The coverage table: the last column (rounds attended of the required). */
  coveredColumn: number;
  /** Materials: name, attached to, size, SHA-256 (shares of what STT leaves). The SHA-256 column holds 16 hex digits a line. */
  materialColumns: [number, number, number, number];
  /** News links: title, outlet, date, URL (shares of what STT leaves). */
  newsColumns: [number, number, number, number];
  /** Above a numbered heading (I., 1., a)). */
  beforeHeading: number;
  /** Between the text above a table and the table, and below it. */
  aroundTable: number;
}

/** Millimetre widths as shares of the default 165 mm text width (they must add up to 165). */
function shares<T extends number[]>(...millimetres: T): T {
  return millimetres.map((value) => value / 165) as T;
}

/** The decree's defaults: margins 20/20/30/15 mm, text width 165 mm, columns 65 + 100 mm, Times 13–14. */
export const ND30_DEFAULTS: Nd30Config = {
  margins: {
    top: ranged(mm(20), mm(20), mm(25)),
    bottom: ranged(mm(20), mm(20), mm(25)),
    left: ranged(mm(30), mm(30), mm(35)),
    right: ranged(mm(15), mm(15), mm(20)),
  },
  columns: { left: mm(65), right: mm(100) },
  sizes: {
    parentBody: ranged(13, 12, 13),
    issuingBody: ranged(13, 12, 13),
    quocHieu: ranged(13, 12, 13),
    tieuNgu: ranged(14, 13, 14),
    number: ranged(13, 13, 13),
    placeDate: ranged(14, 13, 14),
    subjectLine: ranged(12, 12, 13),
    docType: ranged(14, 13, 14),
    summary: ranged(14, 13, 14),
    body: ranged(14, 13, 14),
    authority: ranged(14, 13, 14),
    signerName: ranged(14, 13, 14),
    recipientsLabel: ranged(12, 12, 12),
    recipients: ranged(11, 11, 11),
    pageNumber: ranged(13, 13, 14),
    appendixLabel: ranged(14, 14, 14),
    appendixTitle: ranged(14, 13, 14),
    appendixReference: ranged(14, 13, 14),
    table: ranged(13, 12, 14),
    previewMarker: 10,
  },
  rules: {
    offset: ranged(2.75, 2.5, 3),
    shortRatio: ranged(0.4, 1 / 3, 1 / 2),
    appendixRatio: ranged(0.4, 1 / 3, 1 / 2),
    thickness: 0.6,
  },
  body: {
    firstLineIndent: mm(10),
    paragraphSpacing: ranged(6, 6, 12),
    lineSpacing: ranged(1.1, 1, 1.5),
  },
  singleLine: 1.15,
  spacing: {
    beforeNumberLine: 8,
    beforeDocType: 22,
    afterSummary: 14,
    beforeSignature: 10,
    signatureGap: ranged(mm(22), mm(20), mm(25)),
    beforeSubjectLine: 4,
    subjectLineInset: 6,
    afterAddressees: 4,
    afterAppendixHeading: 14,
  },
  shares: { summary: 0.85, appendixHeading: 0.9 },
  table: {
    columns: [0.08, 0.3, 0.27, 0.35],
    padding: 4,
    borderWidth: 0.6,
  },
  signInSheet: {
    titleSize: 14,
    detailSize: 13,
    tableSize: 12,
    // Names on one line, units on two where possible; "STT" fits its header at 12 pt bold and "Giờ / điểm / danh"
    // stacks in three lines over a column that only holds "07:30"; Ghi chú fits "Đến muộn" and "Đi thay cho" on a line.
    columns: shares(11, 37, 24, 37, 12.5, 20, 23.5),
    minRowHeight: mm(10),
    totalSize: 13,
    hintSize: 12,
    beforeTitle: 18,
    beforeTable: 10,
    beforeTotal: 8,
    beforeSignatures: 8,
  },
  resultsReport: {
    tableSize: 12,
    // "STT" on one line at 12 pt bold.
    numberColumn: mm(11),
    // "Vắng có phép", "Đến muộn" stack by words in a column this wide at 12 pt bold ("muộn" is the widest word).
    countColumn: mm(14),
    coveredColumn: mm(22),
    materialColumns: [0.37, 0.19, 0.2, 0.24],
    newsColumns: [0.36, 0.22, 0.14, 0.28],
    beforeHeading: 4,
    aroundTable: 6,
  },
};

/** Text width between the margins (165 mm with the defaults). */
export function textWidth(config: Nd30Config): number {
  return A4.width - config.margins.left.value - config.margins.right.value;
}

/** Line height of text at a size with the configured line spacing. */
export function lineHeight(config: Nd30Config, size: number, spacing = 1): number {
  return size * config.singleLine * spacing;
}

function checkRanged(name: string, r: Ranged, problems: string[]): void {
  if (!(r.value >= r.min - 1e-9 && r.value <= r.max + 1e-9)) problems.push(`${name} = ${r.value} is outside ${r.min}–${r.max}`);
}

/** Every ranged value checked against its range; the problems found (empty when the configuration keeps to the decree). */
export function checkNd30Config(config: Nd30Config): string[] {
  const problems: string[] = [];
  const visit = (prefix: string, value: unknown) => {
    if (value && typeof value === 'object' && 'value' in value && 'min' in value && 'max' in value) {
      checkRanged(prefix, value as Ranged, problems);
    } else if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [key, inner] of Object.entries(value)) visit(prefix ? `${prefix}.${key}` : key, inner);
    }
  };
  visit('', config);
  const columns = config.columns.left + config.columns.right;
  if (Math.abs(columns - textWidth(config)) > 0.5) problems.push(`columns (${columns.toFixed(1)} pt) do not fill the text width (${textWidth(config).toFixed(1)} pt)`);
  return problems;
}
