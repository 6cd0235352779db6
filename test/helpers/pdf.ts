// PDF test helpers: collect a stream, extract its text with poppler's pdftotext, rasterize pages with
// pdftoppm and decode QR codes from them (pngjs + jsqr). poppler-utils is a system dependency of the tests.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
// jsqr is CommonJS with an ES-style default: under NodeNext its default import is the module object.
import jsqr from 'jsqr';
import { PNG } from 'pngjs';
import { expect } from 'vitest';
import { mm, type DocumentLayout, type LayoutBox } from '../../server/documents/nd30/index.ts';

const run = promisify(execFile);

/** Collects a stream into one buffer. */
export async function streamToBuffer(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

async function withPdfFile<T>(pdf: Buffer, work: (file: string, dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tap-huan-pdf-'));
  try {
    const file = path.join(dir, 'document.pdf');
    await writeFile(file, pdf);
    return await work(file, dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The text of a PDF (or of pages first..last) by pdftotext, UTF-8; `layout` keeps the physical layout. */
export async function pdfToText(pdf: Buffer, options: { first?: number; last?: number; layout?: boolean } = {}): Promise<string> {
  return withPdfFile(pdf, async (file) => {
    const args = ['-enc', 'UTF-8'];
    if (options.layout) args.push('-layout');
    if (options.first) args.push('-f', String(options.first));
    if (options.last) args.push('-l', String(options.last));
    const { stdout } = await run('pdftotext', [...args, file, '-'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  });
}

/** The text of each page, split on pdftotext's form feeds. */
export async function pdfPagesText(pdf: Buffer): Promise<string[]> {
  const text = await pdfToText(pdf);
  const pages = text.split('\f');
  if (pages.at(-1)?.trim() === '') pages.pop();
  return pages;
}

/** Text lines with runs of white space folded to one space, empty lines dropped. */
export function textLines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.replace(/[\s\u00a0]+/g, ' ').trim())
    .filter(Boolean);
}

/** Number of pages, from pdfinfo. */
export async function pdfPageCount(pdf: Buffer): Promise<number> {
  return withPdfFile(pdf, async (file) => {
    const { stdout } = await run('pdfinfo', [file], { encoding: 'utf8' });
    const match = /^Pages:\s+(\d+)/m.exec(stdout);
    if (!match) throw new Error(`pdfinfo gave no page count:\n${stdout}`);
    return Number(match[1]);
  });
}

/** Fonts listed by pdffonts: name, type, embedded and whether it has a ToUnicode map. */
export async function pdfFonts(pdf: Buffer): Promise<{ name: string; type: string; embedded: boolean; unicode: boolean }[]> {
  return withPdfFile(pdf, async (file) => {
    const { stdout } = await run('pdffonts', [file], { encoding: 'utf8' });
    return stdout
      .split('\n')
      .slice(2)
      .filter((line) => line.trim())
      .map((line) => {
        const columns = line.trim().split(/\s+/);
        const [emb, , uni] = columns.slice(-5, -2);
        return { name: columns[0]!, type: columns.slice(1, -5).join(' '), embedded: emb === 'yes', unicode: uni === 'yes' };
      });
  });
}

/** A rasterized page. */
export interface RasterPage {
  page: number;
  width: number;
  height: number;
  /** RGBA pixels. */
  data: Uint8Array;
  png: Buffer;
}

/** Renders pages to PNG with pdftoppm at a resolution (dpi), decoded with pngjs. */
export async function rasterize(pdf: Buffer, options: { dpi?: number; first?: number; last?: number } = {}): Promise<RasterPage[]> {
  return withPdfFile(pdf, async (file, dir) => {
    const args = ['-r', String(options.dpi ?? 150), '-png'];
    if (options.first) args.push('-f', String(options.first));
    if (options.last) args.push('-l', String(options.last));
    await run('pdftoppm', [...args, file, path.join(dir, 'page')]);
    const names = (await readdir(dir)).filter((name) => name.endsWith('.png')).sort();
    return Promise.all(
      names.map(async (name) => {
        const png = await readFile(path.join(dir, name));
        const image = PNG.sync.read(png);
        return { page: Number(/-(\d+)\.png$/.exec(name)![1]), width: image.width, height: image.height, data: new Uint8Array(image.data), png };
      }),
    );
  });
}

/** A region of a rasterized page, in pixels. */
export interface PixelRegion {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Crops a region out of a page's RGBA pixels. */
export function crop(page: RasterPage, region: PixelRegion): { data: Uint8ClampedArray; width: number; height: number } {
  const x0 = Math.max(0, Math.floor(region.x));
  const y0 = Math.max(0, Math.floor(region.y));
  const width = Math.min(page.width - x0, Math.ceil(region.width));
  const height = Math.min(page.height - y0, Math.ceil(region.height));
  const data = new Uint8ClampedArray(width * height * 4);
  for (let row = 0; row < height; row += 1) {
    const start = ((y0 + row) * page.width + x0) * 4;
    data.set(page.data.subarray(start, start + width * 4), row * width * 4);
  }
  return { data, width, height };
}

/** Decodes the QR code in a page (or a region of it, in pixels); undefined when none is found. */
export function decodeQr(page: RasterPage, region?: PixelRegion): string | undefined {
  const image = region ? crop(page, region) : { data: new Uint8ClampedArray(page.data), width: page.width, height: page.height };
  return jsqr.default(image.data, image.width, image.height, { inversionAttempts: 'dontInvert' })?.data;
}

/** Points to pixels at a resolution. */
export function ptToPx(points: number, dpi: number): number {
  return (points * dpi) / 72;
}

/** Share of dark pixels (luma below 128) in a region: 0 for blank paper. */
export function darkShare(page: RasterPage, region: PixelRegion): number {
  const { data, width, height } = crop(page, region);
  let dark = 0;
  for (let i = 0; i < width * height; i += 1) {
    const luma = 0.299 * data[i * 4]! + 0.587 * data[i * 4 + 1]! + 0.114 * data[i * 4 + 2]!;
    if (luma < 128) dark += 1;
  }
  return width * height === 0 ? 0 : dark / (width * height);
}

/**
 * A traced document keeps the decree's default margins (30/15/20/20 mm) and draws nothing outside them,
 * but for the given roles in the top margin (page numbers, the draft marker).
 */
export function expectInsideMargins(layout: DocumentLayout, marginRoles: readonly string[], eps = 0.01): void {
  const area = layout.area;
  expect(area.left).toBeCloseTo(mm(30), 3);
  expect(layout.pageWidth - area.right).toBeCloseTo(mm(15), 3);
  expect(area.top).toBeCloseTo(mm(20), 3);
  expect(layout.pageHeight - area.bottom).toBeCloseTo(mm(20), 3);
  for (const box of layout.boxes) {
    if (box.inMargin) {
      expect(marginRoles).toContain(box.role);
      expect(box.y + box.height).toBeLessThanOrEqual(area.top + eps);
      expect(box.y).toBeGreaterThanOrEqual(0);
      continue;
    }
    const where = `${box.role} "${box.text ?? ''}" on page ${box.page}`;
    expect(box.x, where).toBeGreaterThanOrEqual(area.left - eps);
    expect(box.x + box.width, where).toBeLessThanOrEqual(area.right + eps);
    expect(box.y, where).toBeGreaterThanOrEqual(area.top - eps);
    expect(box.y + box.height, where).toBeLessThanOrEqual(area.bottom + eps);
  }
}

/** The traced boxes of one role (on one page, when given). */
export function boxes(layout: DocumentLayout, role: string, page?: number): LayoutBox[] {
  return layout.boxes.filter((box) => box.role === role && (page === undefined || box.page === page));
}

/** The single traced box of a role; fails the test when there are none or several. */
export function one(layout: DocumentLayout, role: string, page?: number): LayoutBox {
  const found = boxes(layout, role, page);
  expect(found.length, `exactly one ${role}`).toBe(1);
  return found[0]!;
}
