// QR codes drawn as vector rectangles in a PDF (no bitmaps): sharp at any print size, and small.
import QRCode from 'qrcode';

export type QrErrorLevel = 'L' | 'M' | 'Q' | 'H';

/** A QR symbol's modules: size × size, dark or light. */
export interface QrMatrix {
  size: number;
  isDark(row: number, column: number): boolean;
}

/** The modules of the QR code for a text (byte mode, error correction M unless told). */
export function qrMatrix(text: string, errorCorrectionLevel: QrErrorLevel = 'M'): QrMatrix {
  const { modules } = QRCode.create(text, { errorCorrectionLevel });
  return { size: modules.size, isDark: (row, column) => Boolean(modules.get(row, column)) };
}

/** A horizontal run of dark modules in one row. */
export interface QrRun {
  row: number;
  column: number;
  length: number;
}

/** The dark modules as horizontal runs, row by row: fewer, larger rectangles than one per module. */
export function qrRuns(matrix: QrMatrix): QrRun[] {
  const runs: QrRun[] = [];
  for (let row = 0; row < matrix.size; row += 1) {
    let column = 0;
    while (column < matrix.size) {
      if (!matrix.isDark(row, column)) {
        column += 1;
        continue;
      }
      const start = column;
      while (column < matrix.size && matrix.isDark(row, column)) column += 1;
      runs.push({ row, column: start, length: column - start });
    }
  }
  return runs;
}

/** The part of pdfkit's document that drawing a QR code needs. */
export interface RectCanvas {
  rect(x: number, y: number, w: number, h: number): unknown;
  fill(color?: string): unknown;
  save(): unknown;
  restore(): unknown;
}

export interface QrPlacement {
  x: number;
  y: number;
  /** Side of the symbol including its quiet zone, in points. */
  size: number;
  /** Light modules around the symbol (the standard asks for 4). */
  quietZone?: number;
}

/** Where the symbol went: the outer box (with quiet zone) and the module size. */
export interface QrBox {
  x: number;
  y: number;
  size: number;
  moduleSize: number;
  modules: number;
}

/**
 * Draws a QR code as filled rectangles: one path of row runs, filled once (no hairline seams between
 * modules when rasterized). The quiet zone is left white, so nothing else may be drawn there.
 */
export function drawQrCode(doc: RectCanvas, matrix: QrMatrix, placement: QrPlacement): QrBox {
  const quiet = placement.quietZone ?? 4;
  const modules = matrix.size + 2 * quiet;
  const moduleSize = placement.size / modules;
  const originX = placement.x + quiet * moduleSize;
  const originY = placement.y + quiet * moduleSize;
  doc.save();
  for (const run of qrRuns(matrix)) {
    doc.rect(originX + run.column * moduleSize, originY + run.row * moduleSize, run.length * moduleSize, moduleSize);
  }
  doc.fill('#000000');
  doc.restore();
  return { x: placement.x, y: placement.y, size: placement.size, moduleSize, modules };
}
