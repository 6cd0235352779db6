// Ruled tables for the documents' lists (the Mẫu 2.1 appendix, the sign-in sheet): cells broken at spaces,
// a bold header repeated at the top of every page, rows never split across pages, and group heading rows
// spanning the whole table. Every row is recorded in the layout trace with its cells' text joined by " | ".
import type { Nd30Canvas } from './canvas.ts';
import { lineHeight } from './config.ts';
import { drawLine, lineText, wrapText, type FlowLine, type RichText } from './text-flow.ts';

export interface TableColumn {
  header: string;
  /** Width in points. */
  width: number;
  align: 'left' | 'center';
}

export interface TableSpec {
  columns: TableColumn[];
  size: number;
  padding: number;
  borderWidth: number;
  /** Body rows at least this tall (room to sign); the header and group rows keep their natural height. */
  minRowHeight?: number;
  /** Where a cell's lines sit in a row taller than they are: at the top (default) or in the middle. */
  verticalAlign?: 'top' | 'middle';
}

interface Cell {
  lines: FlowLine[];
  align: 'left' | 'center';
}

/** A row measured and ready to draw. */
export interface TableRow {
  cells: Cell[];
  /** Trace role: "table-header", "table-row", "table-group". */
  role: string;
  /** One cell over the whole width (a group heading). */
  spans: boolean;
  height: number;
}

/** A table flowing down the pages from `y`; the caller decides where rows go with `ensureRoom`. */
export class TableFlow {
  y: number;
  readonly header: TableRow;
  private readonly xs: number[];
  private readonly width: number;
  private readonly pitch: number;

  constructor(
    readonly canvas: Nd30Canvas,
    readonly spec: TableSpec,
    y: number,
  ) {
    this.y = y;
    this.pitch = lineHeight(canvas.config, spec.size);
    this.width = spec.columns.reduce((sum, column) => sum + column.width, 0);
    this.xs = spec.columns.map((_, i) => canvas.area.left + spec.columns.slice(0, i).reduce((sum, column) => sum + column.width, 0));
    this.header = this.measure(
      spec.columns.map((column, i) => ({ lines: this.cellLines(column.header, i, 'bold'), align: 'center' as const })),
      'table-header',
      false,
    );
  }

  private cellLines(text: RichText, column: number, face: 'regular' | 'bold' = 'regular'): FlowLine[] {
    return wrapText(this.canvas, text, { size: this.spec.size, face, width: this.spec.columns[column]!.width - 2 * this.spec.padding });
  }

  private measure(cells: Cell[], role: string, spans: boolean, minHeight = 0): TableRow {
    const natural = Math.max(...cells.map((cell) => Math.max(1, cell.lines.length))) * this.pitch + 2 * this.spec.padding;
    return { cells, role, spans, height: Math.max(natural, minHeight) };
  }

  /** A body row: one text per column, aligned as its column. */
  row(texts: RichText[], role = 'table-row'): TableRow {
    const cells = texts.map((text, i) => ({ lines: this.cellLines(text, i), align: this.spec.columns[i]!.align }));
    return this.measure(cells, role, false, this.spec.minRowHeight ?? 0);
  }

  /** A group heading over the whole width, bold ("I. Cơ quan chuyên môn thuộc UBND huyện"). */
  group(text: RichText, role = 'table-group'): TableRow {
    const lines = wrapText(this.canvas, text, { size: this.spec.size, face: 'bold', width: this.width - 2 * this.spec.padding });
    return this.measure([{ lines, align: 'left' }], role, true);
  }

  /** Starts a new page (the header repeated at its top) unless `height` still fits above the bottom margin. */
  ensureRoom(height: number): void {
    if (this.y + height > this.canvas.area.bottom + 0.01) {
      this.canvas.newPage();
      this.y = this.canvas.area.top;
      this.draw(this.header);
    }
  }

  /** Draws a row at the current y, borders and text, and moves below it. */
  draw(row: TableRow): void {
    const { canvas, spec, pitch } = this;
    const { size, padding } = spec;
    const left = canvas.area.left;
    const doc = canvas.doc;
    doc.save().lineWidth(spec.borderWidth).strokeColor('#000000');
    doc.rect(left, this.y, this.width, row.height).stroke();
    if (!row.spans) for (const x of this.xs.slice(1)) doc.moveTo(x, this.y).lineTo(x, this.y + row.height).stroke();
    doc.restore();
    const ascent = canvas.ascent({ size });
    const leading = (pitch - (ascent + canvas.descent({ size }))) / 2;
    row.cells.forEach((cell, column) => {
      const cellX = row.spans ? left : this.xs[column]!;
      const cellWidth = row.spans ? this.width : spec.columns[column]!.width;
      const used = Math.max(1, cell.lines.length) * pitch + 2 * padding;
      const top = this.y + (spec.verticalAlign === 'middle' ? (row.height - used) / 2 : 0);
      cell.lines.forEach((line, index) => {
        const baseline = top + padding + index * pitch + leading + ascent;
        drawLine(canvas, line, { x: cellX + padding, width: cellWidth - 2 * padding, baseline, size, align: cell.align, role: `${row.role}-cell` });
      });
    });
    canvas.record({ role: row.role, x: left, y: this.y, width: this.width, height: row.height, text: row.cells.map((cell) => cell.lines.map(lineText).join(' ')).join(' | ') });
    this.y += row.height;
  }
}
