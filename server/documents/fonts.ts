// The serif font the documents embed. pdfkit's built-in Times has no Vietnamese, so a TrueType family
// with Times' metrics is looked for, in order: the configured folder, Times New Roman, Liberation Serif,
// Tinos (fonts-croscore), and finally Tinos from the @expo-google-fonts/tinos package, so a fresh install
// always has one. A family is taken only when all four faces exist and draw every Vietnamese letter.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as fontkit from 'fontkit';

export type FontFace = 'regular' | 'bold' | 'italic' | 'boldItalic';

export const FONT_FACES: readonly FontFace[] = ['regular', 'bold', 'italic', 'boldItalic'];

/** Where the chosen family came from, in the order they are tried. */
export type FontSource = 'configured' | 'times-new-roman' | 'liberation-serif' | 'tinos-system' | 'tinos-npm';

/** The family chosen for the documents. */
export interface FontSet {
  /** Family name as the font names itself, e.g. "Liberation Serif". */
  family: string;
  source: FontSource;
  /** Absolute path of each face's file. */
  files: Record<FontFace, string>;
  /** Candidates passed over before this one, with the reason (for a warning in the log). */
  skipped: string[];
}

/** Every letter of Vietnamese, upper and lower case, composed (NFC): a family must have a glyph for each. */
export const VIETNAMESE_LETTERS =
  'AĂÂBCDĐEÊGHIKLMNOÔƠPQRSTUƯVXY' +
  'ÀÁẢÃẠẰẮẲẴẶẦẤẨẪẬÈÉẺẼẸỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌỒỐỔỖỘỜỚỞỠỢÙÚỦŨỤỪỨỬỮỰỲÝỶỸỴ' +
  'aăâbcdđeêghiklmnoôơpqrstuưvxy' +
  'àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ' +
  '0123456789.,;:!?()/-–“”"\'%';

type FaceNames = Record<FontFace, string[]>;

/** File names of each family's faces as the usual packages (and Windows, macOS) install them. */
const FAMILY_FILES: { source: Exclude<FontSource, 'configured' | 'tinos-npm'>; names: FaceNames; dirs: string[] }[] = [
  {
    source: 'times-new-roman',
    names: {
      regular: ['Times_New_Roman.ttf', 'times.ttf', 'Times New Roman.ttf', 'TimesNewRoman.ttf'],
      bold: ['Times_New_Roman_Bold.ttf', 'timesbd.ttf', 'Times New Roman Bold.ttf', 'TimesNewRomanBold.ttf'],
      italic: ['Times_New_Roman_Italic.ttf', 'timesi.ttf', 'Times New Roman Italic.ttf', 'TimesNewRomanItalic.ttf'],
      boldItalic: ['Times_New_Roman_Bold_Italic.ttf', 'timesbi.ttf', 'Times New Roman Bold Italic.ttf', 'TimesNewRomanBoldItalic.ttf'],
    },
    dirs: [
      '/usr/share/fonts/truetype/msttcorefonts',
      '/usr/share/fonts/msttcore',
      '/usr/share/fonts/msttcorefonts',
      '/usr/share/fonts/truetype/ms-fonts',
      '/usr/share/fonts/TTF',
      '/usr/local/share/fonts',
      '/Library/Fonts',
      '/System/Library/Fonts/Supplemental',
      'C:\\Windows\\Fonts',
    ],
  },
  {
    source: 'liberation-serif',
    names: {
      regular: ['LiberationSerif-Regular.ttf'],
      bold: ['LiberationSerif-Bold.ttf'],
      italic: ['LiberationSerif-Italic.ttf'],
      boldItalic: ['LiberationSerif-BoldItalic.ttf'],
    },
    dirs: [
      '/usr/share/fonts/truetype/liberation2',
      '/usr/share/fonts/truetype/liberation',
      '/usr/share/fonts/liberation-serif',
      '/usr/share/fonts/liberation',
      '/usr/share/fonts/TTF',
      '/usr/local/share/fonts',
    ],
  },
  {
    source: 'tinos-system',
    names: {
      regular: ['Tinos-Regular.ttf'],
      bold: ['Tinos-Bold.ttf'],
      italic: ['Tinos-Italic.ttf'],
      boldItalic: ['Tinos-BoldItalic.ttf'],
    },
    dirs: ['/usr/share/fonts/truetype/croscore', '/usr/share/fonts/google-croscore', '/usr/share/fonts/TTF', '/usr/local/share/fonts'],
  },
];

const NPM_TINOS: Record<FontFace, string> = {
  regular: '400Regular/Tinos_400Regular.ttf',
  bold: '700Bold/Tinos_700Bold.ttf',
  italic: '400Regular_Italic/Tinos_400Regular_Italic.ttf',
  boldItalic: '700Bold_Italic/Tinos_700Bold_Italic.ttf',
};

/** The glyph sources, opened once per file. */
const opened = new Map<string, fontkit.Font>();

/** The font in a file, parsed once (fontkit), for glyph checks and ink measurements. */
export function openFontFile(file: string): fontkit.Font {
  let font = opened.get(file);
  if (!font) {
    const parsed = fontkit.create(readFileSync(file));
    if (!('layout' in parsed)) throw new Error(`${file} is a font collection; give one .ttf file per face`);
    font = parsed;
    opened.set(file, font);
  }
  return font;
}

/** Why a face cannot be used, or undefined when it draws every Vietnamese letter. */
function faceProblem(file: string): string | undefined {
  try {
    const font = openFontFile(file);
    const missing = [...VIETNAMESE_LETTERS].filter((c) => !font.hasGlyphForCodePoint(c.codePointAt(0)!));
    return missing.length > 0 ? `${path.basename(file)} has no glyph for ${missing.slice(0, 12).join('')}` : undefined;
  } catch (error) {
    return `${path.basename(file)} cannot be read (${(error as Error).message})`;
  }
}

function findFaces(dir: string, names: FaceNames): Record<FontFace, string> | string {
  const files = {} as Record<FontFace, string>;
  for (const face of FONT_FACES) {
    const file = names[face].map((name) => path.join(dir, name)).find((candidate) => existsSync(candidate));
    if (!file) return `${dir}: no ${face} face (${names[face][0]})`;
    files[face] = file;
  }
  for (const face of FONT_FACES) {
    const problem = faceProblem(files[face]);
    if (problem) return `${dir}: ${problem}`;
  }
  return files;
}

function npmTinosDir(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    return path.dirname(require.resolve('@expo-google-fonts/tinos/package.json'));
  } catch {
    return undefined;
  }
}

export interface FontOptions {
  /** A folder holding the four faces of Times New Roman, Liberation Serif or Tinos, under their usual file names. */
  fontDir?: string;
}

const chosen = new Map<string, FontSet>();

/**
 * The family the documents use, resolved once per configured folder. Throws only when even the npm
 * package's Tinos is missing (a broken install).
 */
export function resolveFonts(options: FontOptions = {}): FontSet {
  const key = options.fontDir ?? '';
  const cached = chosen.get(key);
  if (cached) return cached;
  const skipped: string[] = [];
  const pick = (source: FontSource, files: Record<FontFace, string>): FontSet => {
    const set: FontSet = { family: openFontFile(files.regular).familyName, source, files, skipped };
    chosen.set(key, set);
    return set;
  };
  if (options.fontDir) {
    const dir = path.resolve(options.fontDir);
    if (!existsSync(dir)) {
      skipped.push(`${dir}: the configured font folder does not exist`);
    } else {
      for (const family of FAMILY_FILES) {
        const found = findFaces(dir, family.names);
        if (typeof found !== 'string') return pick('configured', found);
        skipped.push(found);
      }
    }
  }
  for (const family of FAMILY_FILES) {
    for (const dir of family.dirs) {
      if (!existsSync(dir)) continue;
      const found = findFaces(dir, family.names);
      if (typeof found !== 'string') return pick(family.source, found);
      skipped.push(found);
    }
  }
  const npmDir = npmTinosDir();
  if (npmDir) {
    const files = Object.fromEntries(FONT_FACES.map((face) => [face, path.join(npmDir, NPM_TINOS[face])])) as Record<FontFace, string>;
    const problem = FONT_FACES.map((face) => (existsSync(files[face]) ? faceProblem(files[face]) : `${files[face]} is missing`)).find(Boolean);
    if (!problem) return pick('tinos-npm', files);
    skipped.push(problem);
  }
  throw new Error(`No font with Vietnamese letters found for the documents. Tried:\n${skipped.join('\n')}`);
}

/** The npm package's Tinos, whatever the system has (for tests that must not depend on the machine's fonts). */
export function bundledFonts(): FontSet {
  const npmDir = npmTinosDir();
  if (!npmDir) throw new Error('@expo-google-fonts/tinos is not installed');
  const files = Object.fromEntries(FONT_FACES.map((face) => [face, path.join(npmDir, NPM_TINOS[face])])) as Record<FontFace, string>;
  return { family: openFontFile(files.regular).familyName, source: 'tinos-npm', files, skipped: [] };
}

const fileBytes = new Map<string, Buffer>();

/** A face's bytes, read once, for pdfkit's registerFont (which otherwise reads the file for every document). */
export function fontBytes(file: string): Buffer {
  let bytes = fileBytes.get(file);
  if (!bytes) {
    bytes = readFileSync(file);
    fileBytes.set(file, bytes);
  }
  return bytes;
}
