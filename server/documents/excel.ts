// ExcelJS weighs about 25 MB once loaded: it is loaded on first use (an import, an export), not at start.
import type ExcelJS from 'exceljs';

let loading: Promise<typeof ExcelJS> | undefined;

/** The ExcelJS module, loaded once on first call. */
export function loadExcelJs(): Promise<typeof ExcelJS> {
  loading ??= import('exceljs').then((module) => module.default);
  return loading;
}
