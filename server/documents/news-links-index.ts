// The news items (tin bài) of the evidence bundle: an HTML page that opens in any browser straight from the
// unzipped folder (links clickable, printable, no script, no outside resource) and a CSV for spreadsheets
// (UTF-8 with a BOM and CRLF, as the attendance CSV, each cell guarded against formula injection).
import { csvCell } from './attendance-export.ts';
import { formatShortDate, nfc } from './nd30/index.ts';

export interface NewsLinkItem {
  url: string;
  title: string;
  outlet: string;
  /** YYYY-MM-DD */
  publishedOn: string;
  /** "Đợt 1", "Đợt 1 - Buổi 2", or "" for the plan as a whole. */
  scope: string;
}

export const NEWS_HEADERS = ['STT', 'Ngày đăng', 'Tiêu đề', 'Cơ quan đăng tin', 'Thuộc', 'Đường dẫn'] as const;

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Only web links become clickable; anything else is shown as text. */
function isWebLink(url: string): boolean {
  return /^https?:\/\//i.test(url);
}

function cells(item: NewsLinkItem, number: number): string[] {
  return [String(number), formatShortDate(item.publishedOn), nfc(item.title).trim(), nfc(item.outlet).trim(), item.scope, item.url.trim()];
}

/** The HTML index: a heading naming the plan or round, then a table of the items in the given order. */
export function buildNewsIndexHtml(heading: { title: string; subtitle: string }, items: NewsLinkItem[]): Buffer {
  const rows = items.map((item, i) => {
    const [number, date, title, outlet, scope, url] = cells(item, i + 1).map(escapeHtml) as [string, string, string, string, string, string];
    const link = isWebLink(item.url) ? `<a href="${url}" rel="noopener noreferrer">${title}</a>` : title;
    return `<tr><td>${number}</td><td>${date}</td><td>${link}<br><small>${url}</small></td><td>${outlet}</td><td>${scope}</td></tr>`;
  });
  const html = [
    '<!doctype html>',
    '<html lang="vi">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>Tin bài - ${escapeHtml(nfc(heading.title))}</title>`,
    '<style>body{font-family:"Times New Roman",serif;margin:2em;max-width:60em}table{border-collapse:collapse;width:100%}th,td{border:1px solid #000;padding:.3em .5em;text-align:left;vertical-align:top}small{word-break:break-all;color:#333}</style>',
    '</head>',
    '<body>',
    `<h1>Tin bài</h1>`,
    `<p><strong>${escapeHtml(nfc(heading.title))}</strong><br>${escapeHtml(nfc(heading.subtitle))}</p>`,
    items.length
      ? `<table><thead><tr><th>STT</th><th>Ngày đăng</th><th>Tiêu đề và đường dẫn</th><th>Cơ quan đăng tin</th><th>Thuộc</th></tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table>`
      : '<p>Chưa có tin bài nào.</p>',
    `<p>Tổng số: ${items.length} tin bài.</p>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
  return Buffer.from(html, 'utf8');
}

/** The CSV: header, then one line per item. */
export function buildNewsCsv(items: NewsLinkItem[]): Buffer {
  const lines = [NEWS_HEADERS.map(csvCell).join(','), ...items.map((item, i) => cells(item, i + 1).map(csvCell).join(','))];
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8')]);
}
