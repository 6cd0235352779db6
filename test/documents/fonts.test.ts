// Font resolution (configured folder, then the system's Times-metric families, then the npm package's Tinos)
// and Vietnamese drawn and extracted as NFC text.
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundledFonts, openFontFile, resolveFonts, VIETNAMESE_LETTERS } from '../../server/documents/fonts.ts';
import { measureText, Nd30Canvas } from '../../server/documents/nd30/index.ts';
import { pdfFonts, pdfToText, streamToBuffer, textLines } from '../helpers/pdf.ts';

const temp = mkdtempSync(path.join(tmpdir(), 'tap-huan-fonts-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** A folder holding the bundled Tinos faces under other file names (symbolic links). */
function link(dir: string, names: Partial<Record<'regular' | 'bold' | 'italic' | 'boldItalic', string>>, sources: Record<string, string>): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [face, name] of Object.entries(names)) symlinkSync(sources[face]!, path.join(dir, name!));
}

describe('font resolution', () => {
  const tinos = bundledFonts();

  it("ships Tinos (Times' metrics) with every Vietnamese letter in four faces", () => {
    expect(tinos.source).toBe('tinos-npm');
    expect(tinos.family).toBe('Tinos');
    for (const file of Object.values(tinos.files)) {
      const font = openFontFile(file);
      const missing = [...VIETNAMESE_LETTERS].filter((c) => !font.hasGlyphForCodePoint(c.codePointAt(0)!));
      expect(missing, file).toEqual([]);
    }
    expect(new Set(Object.values(tinos.files)).size).toBe(4);
  });

  it('takes a configured folder first', () => {
    const dir = path.join(temp, 'configured');
    const files = { regular: 'Tinos-Regular.ttf', bold: 'Tinos-Bold.ttf', italic: 'Tinos-Italic.ttf', boldItalic: 'Tinos-BoldItalic.ttf' } as const;
    link(dir, files, tinos.files);
    const chosen = resolveFonts({ fontDir: dir });
    expect(chosen.source).toBe('configured');
    expect(chosen.family).toBe('Tinos');
    expect(chosen.files.bold).toBe(path.join(dir, 'Tinos-Bold.ttf'));
  });

  it('accepts Times New Roman under its Windows file names in a configured folder', () => {
    const dir = path.join(temp, 'windows');
    link(dir, { regular: 'times.ttf', bold: 'timesbd.ttf', italic: 'timesi.ttf', boldItalic: 'timesbi.ttf' }, tinos.files);
    expect(resolveFonts({ fontDir: dir }).files.italic).toBe(path.join(dir, 'timesi.ttf'));
  });

  it('passes over a folder whose faces are missing or unreadable, and says why', () => {
    const dir = path.join(temp, 'broken');
    link(dir, { regular: 'LiberationSerif-Regular.ttf', bold: 'LiberationSerif-Bold.ttf', italic: 'LiberationSerif-Italic.ttf' }, tinos.files);
    writeFileSync(path.join(dir, 'LiberationSerif-BoldItalic.ttf'), 'not a font');
    const chosen = resolveFonts({ fontDir: dir });
    expect(chosen.source).not.toBe('configured');
    expect(chosen.skipped.join('\n')).toContain('LiberationSerif-BoldItalic.ttf cannot be read');

    const missing = resolveFonts({ fontDir: path.join(temp, 'does-not-exist') });
    expect(missing.source).not.toBe('configured');
    expect(missing.skipped[0]).toContain('does not exist');
  });

  it.runIf(existsSync('/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf'))(
    'refuses Liberation Serif 1.x, which has no Vietnamese (ơ, ư, ạ, ệ …)',
    () => {
      const chosen = resolveFonts({ fontDir: '/usr/share/fonts/truetype/liberation' });
      expect(chosen.source).not.toBe('configured');
      expect(chosen.skipped.join('\n')).toMatch(/LiberationSerif-Regular\.ttf has no glyph for .*Ơ/u);
    },
  );

  it('without configuration picks the first system family with Vietnamese, or the bundled Tinos', () => {
    const chosen = resolveFonts();
    expect(['times-new-roman', 'liberation-serif', 'tinos-system', 'tinos-npm']).toContain(chosen.source);
    if (existsSync('/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf') && chosen.source !== 'times-new-roman') {
      expect(chosen.source).toBe('liberation-serif');
      expect(chosen.files.regular).toBe('/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf');
    }
    expect(resolveFonts()).toBe(chosen);
  });
});

describe('Vietnamese text in the PDF', () => {
  const sample = 'Ủy ban nhân dân huyện Gò Dầu: ĐỆ NHẤT, Ệ ậ ữ Đ đ ơ ư ỷ ỹ Ỵ, Thanh Phước, Phường 3';

  for (const [name, fonts] of [
    ['bundled Tinos', bundledFonts()],
    ['the resolved family', resolveFonts()],
  ] as const) {
    it(`draws every face with ${name}, embedded with a Unicode map, and pdftotext gives the NFC text back`, async () => {
      const canvas = new Nd30Canvas({ fonts });
      canvas.newPage('test');
      let baseline = 100;
      for (const face of ['regular', 'bold', 'italic', 'boldItalic'] as const) {
        canvas.text(sample.normalize('NFD'), { size: 13, face }, { x: 90, baseline, role: 'sample' });
        baseline += 20;
      }
      const letters = [...VIETNAMESE_LETTERS];
      for (let i = 0; i < letters.length; i += 40) {
        canvas.text(letters.slice(i, i + 40).join(''), { size: 11 }, { x: 90, baseline, role: 'letters' });
        baseline += 16;
      }
      canvas.doc.end();
      const pdf = await streamToBuffer(canvas.doc);
      const lines = textLines(await pdfToText(pdf));
      expect(lines.slice(0, 4)).toEqual([sample, sample, sample, sample]);
      expect(lines.join('\n')).toBe(lines.join('\n').normalize('NFC'));
      expect(lines.slice(4).join('')).toBe(VIETNAMESE_LETTERS);
      const embedded = await pdfFonts(pdf);
      expect(embedded.length).toBe(4);
      for (const font of embedded) {
        expect(font.embedded, font.name).toBe(true);
        expect(font.unicode, font.name).toBe(true);
        expect(font.name).toContain(fonts.family.replace(/\s+/g, ''));
      }
    });
  }

  it("measures with the chosen font's metrics (Times widths: the Quốc hiệu is about 95 mm at 13 pt bold)", () => {
    for (const fonts of [bundledFonts(), resolveFonts()]) {
      const width = measureText('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', { size: 13, face: 'bold' }, { fonts });
      expect(width / (72 / 25.4)).toBeGreaterThan(93);
      expect(width / (72 / 25.4)).toBeLessThan(97);
      expect(measureText('Ệ'.normalize('NFD'), { size: 13 }, { fonts })).toBeCloseTo(measureText('Ệ', { size: 13 }, { fonts }), 6);
      expect(measureText('Độc lập', { size: 14, face: 'bold' }, { fonts })).toBeCloseTo(2 * measureText('Độc lập', { size: 7, face: 'bold' }, { fonts }), 6);
    }
  });
});
