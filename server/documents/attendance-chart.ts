// Attendance per round as a grouped bar chart in SVG: data in, escaped markup out, no styles or scripts,
// so it can sit inline in a page under a strict CSP and print legibly in black and white.

export interface AttendanceChartRound {
  /** Axis label, e.g. "Đợt 1". */
  label: string;
  /** Read by screen readers and shown as a tooltip, e.g. "Đợt 1: Nghiệp vụ CCHC". */
  description?: string;
  invited: number;
  attended: number;
  absent: number;
}

export interface AttendanceChartData {
  title: string;
  rounds: AttendanceChartRound[];
  /** Prefix for the ids inside the SVG, unique within the page. */
  idPrefix?: string;
}

type SeriesKey = 'invited' | 'attended' | 'absent';

interface Series {
  key: SeriesKey;
  label: string;
  fill: (prefix: string) => string;
}

// Light, dark and hatched: three fills that stay apart on a grey-scale printout, each bar also carries its number.
const SERIES: Series[] = [
  { key: 'invited', label: 'Được mời', fill: () => '#c6d4e5' },
  { key: 'attended', label: 'Tham dự', fill: () => '#0b5cad' },
  { key: 'absent', label: 'Vắng', fill: (prefix) => `url(#${prefix}-hatch)` },
];

const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', Arial, sans-serif";
const INK = '#1d2733';
const GRID = '#d5dbe3';

const BAR = 28;
const BAR_GAP = 4;
const GROUP_GAP = 36;
const GROUP = SERIES.length * BAR + (SERIES.length - 1) * BAR_GAP;
const LEFT = 44;
const RIGHT = 16;
const TOP = 58;
const PLOT_HEIGHT = 200;
const BOTTOM = 34;
const MIN_WIDTH = 360;
// Drawn a quarter larger than the viewBox by default; the page's CSS shrinks it to fit narrow screens.
const SCALE = 1.25;

/** Text made safe for SVG/XML content and attribute values. */
export function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A count as drawn: a non-negative integer, whatever came in. */
function count(value: number): number {
  return Number.isFinite(value) && value > 0 ? Math.round(value) : 0;
}

/** Integer axis ticks from 0 covering `max` in at most about five steps of 1, 2 or 5 × 10ⁿ. */
export function integerTicks(max: number): number[] {
  const top = Math.max(1, count(max));
  const rough = top / 5;
  const magnitude = 10 ** Math.floor(Math.log10(Math.max(1, rough)));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= rough) ?? 10 * magnitude;
  const ticks: number[] = [];
  for (let t = 0; t < top + step; t += step) ticks.push(t);
  return ticks;
}

/** Renders the chart as a standalone `<svg>` element; every text is escaped, sizes are in the viewBox. */
export function renderAttendanceChartSvg(data: AttendanceChartData): string {
  const prefix = (data.idPrefix ?? 'attendance-chart').replace(/[^A-Za-z0-9_-]/g, '') || 'attendance-chart';
  const rounds = data.rounds.map((r) => ({ ...r, invited: count(r.invited), attended: count(r.attended), absent: count(r.absent) }));
  const width = Math.max(MIN_WIDTH, LEFT + rounds.length * (GROUP + GROUP_GAP) + RIGHT);
  const height = TOP + PLOT_HEIGHT + BOTTOM;
  const baseline = TOP + PLOT_HEIGHT;
  const ticks = integerTicks(Math.max(0, ...rounds.flatMap((r) => [r.invited, r.attended, r.absent])));
  const top = ticks.at(-1)!;
  const slot = rounds.length ? (width - LEFT - RIGHT) / rounds.length : 0;
  const y = (value: number) => Math.round((baseline - (value / top) * PLOT_HEIGHT) * 10) / 10;

  const summary = rounds.length
    ? rounds.map((r) => `${r.description ?? r.label}: được mời ${r.invited}, tham dự ${r.attended}, vắng ${r.absent}.`).join(' ')
    : 'Chưa có đợt tập huấn nào.';
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="attendance-chart" viewBox="0 0 ${width} ${height}" width="${Math.round(width * SCALE)}" height="${Math.round(height * SCALE)}"` +
      ` role="img" aria-labelledby="${prefix}-title ${prefix}-desc" font-family="${escapeXml(FONT)}" font-size="12" fill="${INK}">`,
    `<title id="${prefix}-title">${escapeXml(data.title)}</title>`,
    `<desc id="${prefix}-desc">${escapeXml(summary)}</desc>`,
    `<defs><pattern id="${prefix}-hatch" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)">` +
      `<rect width="6" height="6" fill="#ffffff"/><line x1="0" y1="0" x2="0" y2="6" stroke="#a31d1d" stroke-width="3"/></pattern></defs>`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
  );

  // Legend across the top.
  out.push('<g class="legend">');
  SERIES.forEach((s, i) => {
    const x = LEFT + i * 104;
    out.push(
      `<rect x="${x}" y="12" width="14" height="14" fill="${s.fill(prefix)}" stroke="${INK}" stroke-width="1"/>`,
      `<text x="${x + 20}" y="24">${escapeXml(s.label)}</text>`,
    );
  });
  out.push('</g>');

  // Horizontal grid with integer tick labels.
  out.push('<g class="axis">');
  for (const tick of ticks) {
    const ty = y(tick);
    out.push(
      `<line x1="${LEFT}" y1="${ty}" x2="${width - RIGHT}" y2="${ty}" stroke="${tick === 0 ? INK : GRID}" stroke-width="1"/>`,
      `<text x="${LEFT - 6}" y="${ty + 4}" text-anchor="end">${tick}</text>`,
    );
  }
  out.push('</g>');

  if (rounds.length === 0) {
    out.push(`<text x="${width / 2}" y="${TOP + PLOT_HEIGHT / 2}" text-anchor="middle">Chưa có đợt tập huấn nào.</text>`);
  }
  rounds.forEach((round, i) => {
    // Each round gets an equal slot of the plot, its bars centred in it.
    const gx = Math.round((LEFT + (i + 0.5) * slot - GROUP / 2) * 10) / 10;
    out.push(
      `<g class="round">`,
      `<title>${escapeXml(`${round.description ?? round.label}: được mời ${round.invited}, tham dự ${round.attended}, vắng ${round.absent}`)}</title>`,
    );
    SERIES.forEach((s, j) => {
      const value = round[s.key];
      const x = gx + j * (BAR + BAR_GAP);
      const barTop = y(value);
      out.push(
        `<rect class="bar bar-${s.key}" x="${x}" y="${barTop}" width="${BAR}" height="${baseline - barTop}" fill="${s.fill(prefix)}" stroke="${INK}" stroke-width="${value > 0 ? 1 : 0}"/>`,
        `<text class="value value-${s.key}" x="${x + BAR / 2}" y="${barTop - 5}" text-anchor="middle" font-weight="600">${value}</text>`,
      );
    });
    out.push(`<text class="round-label" x="${gx + GROUP / 2}" y="${baseline + 20}" text-anchor="middle" font-size="13">${escapeXml(round.label)}</text>`, '</g>');
  });

  out.push('</svg>');
  return out.join('');
}
