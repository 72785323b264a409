/**
 * Small, dependency-free SVG charts for the HTML report, rendered on the server: the file needs no
 * script and no network to show them. Every mark (bar, segment, point) has class "mark", a
 * data-value and a <title> (the browser's hover tooltip); every chart is an <svg data-chart=NAME>.
 * Numbers here only place marks on the page; the exact amounts are in the labels, formatted by the
 * caller from the exact decimal strings.
 */

export interface Mark {
  value: number;
  /** Tooltip and accessible text. */
  label: string;
}

export interface Series {
  name: string;
  color: string;
  /** One per category. */
  marks: Mark[];
}

const WIDTH = 1100;
const FONT = `font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"`;

export function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

const fixed = (value: number) => (Math.round(value * 100) / 100).toString();

/** Round tick values from 0 to at least `max`: steps of 1, 2, 2.5 or 5 times a power of ten. */
export function niceTicks(max: number, count = 5): number[] {
  if (!(max > 0) || !Number.isFinite(max)) return [0, 1];
  const rough = max / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((factor) => factor * power).find((candidate) => candidate >= rough) ?? 10 * power;
  const ticks: number[] = [];
  for (let tick = 0; tick < max + step / 2 && ticks.length <= count * 3; tick += step) ticks.push(Number(tick.toPrecision(12)));
  if (ticks[ticks.length - 1]! < max) ticks.push(Number((ticks[ticks.length - 1]! + step).toPrecision(12)));
  return ticks;
}

function svgOpen(name: string, height: number, description: string): string {
  return `<svg data-chart="${escapeXml(name)}" role="img" aria-label="${escapeXml(description)}" viewBox="0 0 ${WIDTH} ${height}" width="100%" ${FONT} font-size="12">`;
}

function noData(name: string, description: string): string {
  return `${svgOpen(name, 80, description)}<text x="${WIDTH / 2}" y="44" text-anchor="middle" fill="#6b7280" font-size="14">No data for this range</text></svg>`;
}

function mark(shape: string, attributes: string, value: number, label: string): string {
  return `<${shape} class="mark" data-value="${value}" ${attributes}><title>${escapeXml(label)}</title></${shape}>`;
}

/** Shows at most `most` of the category labels, evenly spread, so they never overlap. */
function labelEvery(count: number, most: number): number {
  return Math.max(1, Math.ceil(count / most));
}

function yAxis(ticks: number[], top: number, plotHeight: number, left: number, right: number, format: (value: number) => string) {
  const max = ticks[ticks.length - 1]!;
  const y = (value: number) => top + plotHeight - (value / max) * plotHeight;
  const lines = ticks
    .map(
      (tick) =>
        `<line x1="${left}" x2="${right}" y1="${fixed(y(tick))}" y2="${fixed(y(tick))}" stroke="${tick === 0 ? "#9ca3af" : "#e5e7eb"}"/>` +
        `<text x="${left - 8}" y="${fixed(y(tick) + 4)}" text-anchor="end" fill="#4b5563">${escapeXml(format(tick))}</text>`,
    )
    .join("");
  return { y, lines };
}

function legend(series: { name: string; color: string }[], x: number, y: number): string {
  let offset = x;
  return series
    .map((entry) => {
      const item = `<rect x="${offset}" y="${y - 10}" width="12" height="12" rx="2" fill="${entry.color}"/><text x="${offset + 18}" y="${y}" fill="#111827">${escapeXml(entry.name)}</text>`;
      offset += 36 + entry.name.length * 7;
      return item;
    })
    .join("");
}

/** Vertical bars, one per category, stacked by series (cost per day, stacked by tier). */
export function stackedBarChart(options: {
  name: string;
  description: string;
  categories: string[];
  series: Series[];
  formatValue: (value: number) => string;
  formatCategory?: (category: string) => string;
}): string {
  const { categories, series } = options;
  const totals = categories.map((_, index) => series.reduce((sum, entry) => sum + Math.max(0, entry.marks[index]?.value ?? 0), 0));
  if (categories.length === 0 || Math.max(...totals) <= 0) return noData(options.name, options.description);
  const height = 340;
  const [top, bottom, left, right] = [34, 40, 84, WIDTH - 16];
  const plotHeight = height - top - bottom;
  const ticks = niceTicks(Math.max(...totals));
  const axis = yAxis(ticks, top, plotHeight, left, right, options.formatValue);
  const slot = (right - left) / categories.length;
  const barWidth = Math.max(1, Math.min(48, slot * 0.72));
  const every = labelEvery(categories.length, 14);
  const parts: string[] = [svgOpen(options.name, height, options.description), legend(series, left, 16), axis.lines];
  categories.forEach((category, index) => {
    const x = left + slot * index + (slot - barWidth) / 2;
    let base = top + plotHeight;
    for (const entry of series) {
      const point = entry.marks[index];
      if (!point || point.value <= 0) continue;
      const barHeight = (point.value / ticks[ticks.length - 1]!) * plotHeight;
      base -= barHeight;
      parts.push(
        mark(
          "rect",
          `x="${fixed(x)}" y="${fixed(base)}" width="${fixed(barWidth)}" height="${fixed(Math.max(barHeight, 0.5))}" fill="${entry.color}"`,
          point.value,
          point.label,
        ),
      );
    }
    if (index % every === 0) {
      const text = options.formatCategory ? options.formatCategory(category) : category;
      parts.push(
        `<text x="${fixed(x + barWidth / 2)}" y="${height - bottom + 18}" text-anchor="middle" fill="#4b5563">${escapeXml(text)}</text>`,
      );
    }
  });
  parts.push("</svg>");
  return parts.join("");
}

/** Lines over categories (daily cost against the all-top-tier baseline), the area between shaded. */
export function lineChart(options: {
  name: string;
  description: string;
  categories: string[];
  series: Series[];
  formatValue: (value: number) => string;
  formatCategory?: (category: string) => string;
  /** Shade between the first two series (the saving). */
  shadeBetween?: boolean;
}): string {
  const { categories, series } = options;
  const max = Math.max(0, ...series.flatMap((entry) => entry.marks.map((point) => point.value)));
  if (categories.length === 0 || max <= 0) return noData(options.name, options.description);
  const height = 300;
  const [top, bottom, left, right] = [34, 40, 84, WIDTH - 16];
  const plotHeight = height - top - bottom;
  const ticks = niceTicks(max);
  const axis = yAxis(ticks, top, plotHeight, left, right, options.formatValue);
  const step = categories.length > 1 ? (right - left - 20) / (categories.length - 1) : 0;
  const x = (index: number) => (categories.length > 1 ? left + 10 + step * index : (left + right) / 2);
  const points = (entry: Series) => entry.marks.map((point, index) => `${fixed(x(index))},${fixed(axis.y(Math.max(0, point.value)))}`);
  const parts: string[] = [svgOpen(options.name, height, options.description), legend(series, left, 16), axis.lines];
  if (options.shadeBetween && series.length >= 2) {
    const area = [...points(series[1]!), ...points(series[0]!).reverse()].join(" ");
    parts.push(`<polygon points="${area}" fill="${series[0]!.color}" opacity="0.12"/>`);
  }
  for (const entry of series) {
    parts.push(
      `<polyline points="${points(entry).join(" ")}" fill="none" stroke="${entry.color}" stroke-width="2.5" stroke-linejoin="round"/>`,
    );
    entry.marks.forEach((point, index) => {
      parts.push(
        mark(
          "circle",
          `cx="${fixed(x(index))}" cy="${fixed(axis.y(Math.max(0, point.value)))}" r="4" fill="${entry.color}"`,
          point.value,
          point.label,
        ),
      );
    });
  }
  const every = labelEvery(categories.length, 14);
  categories.forEach((category, index) => {
    if (index % every !== 0) return;
    const text = options.formatCategory ? options.formatCategory(category) : category;
    parts.push(`<text x="${fixed(x(index))}" y="${height - bottom + 18}" text-anchor="middle" fill="#4b5563">${escapeXml(text)}</text>`);
  });
  parts.push("</svg>");
  return parts.join("");
}

/** Horizontal 100% bars, one per row, split into segments (share of requests per tier). */
export function shareBars(options: {
  name: string;
  description: string;
  rows: { label: string; segments: { name: string; color: string; value: number; label: string }[] }[];
}): string {
  const rows = options.rows.filter((row) => row.segments.some((segment) => segment.value > 0));
  if (rows.length === 0) return noData(options.name, options.description);
  const [rowHeight, gap, top, left, right] = [40, 22, 34, 110, WIDTH - 16];
  const height = top + rows.length * (rowHeight + gap);
  const parts: string[] = [
    svgOpen(options.name, height, options.description),
    legend(
      options.rows[0]!.segments.map(({ name, color }) => ({ name, color })),
      left,
      16,
    ),
  ];
  rows.forEach((row, rowIndex) => {
    const y = top + rowIndex * (rowHeight + gap);
    const total = row.segments.reduce((sum, segment) => sum + Math.max(0, segment.value), 0);
    parts.push(
      `<text x="${left - 10}" y="${y + rowHeight / 2 + 4}" text-anchor="end" fill="#111827" font-weight="600">${escapeXml(row.label)}</text>`,
    );
    let x = left;
    for (const segment of row.segments) {
      if (segment.value <= 0) continue;
      const width = ((right - left) * segment.value) / total;
      parts.push(
        mark(
          "rect",
          `x="${fixed(x)}" y="${y}" width="${fixed(width)}" height="${rowHeight}" fill="${segment.color}"`,
          segment.value,
          segment.label,
        ),
      );
      const share = `${segment.name} ${Math.round((1000 * segment.value) / total) / 10}%`;
      if (width > share.length * 7 + 12) {
        parts.push(
          `<text x="${fixed(x + width / 2)}" y="${y + rowHeight / 2 + 4}" text-anchor="middle" fill="#ffffff" font-weight="600">${escapeXml(share)}</text>`,
        );
      }
      x += width;
    }
  });
  parts.push("</svg>");
  return parts.join("");
}

/** Horizontal bars grouped by row (latency p50/p95/p99 per tier), each labelled with its value. */
export function groupedBars(options: {
  name: string;
  description: string;
  groups: { label: string; bars: { name: string; color: string; value: number; label: string }[] }[];
  formatValue: (value: number) => string;
}): string {
  const groups = options.groups.filter((group) => group.bars.some((bar) => bar.value > 0));
  if (groups.length === 0) return noData(options.name, options.description);
  const barHeight = 16;
  const [top, left, right] = [34, 110, WIDTH - 90];
  const groupHeight = options.groups[0]!.bars.length * (barHeight + 4) + 18;
  const height = top + groups.length * groupHeight + 24;
  const max = Math.max(...groups.flatMap((group) => group.bars.map((bar) => bar.value)));
  const ticks = niceTicks(max);
  const scale = (value: number) => ((right - left) * value) / ticks[ticks.length - 1]!;
  const parts: string[] = [
    svgOpen(options.name, height, options.description),
    legend(
      groups[0]!.bars.map(({ name, color }) => ({ name, color })),
      left,
      16,
    ),
  ];
  for (const tick of ticks) {
    const x = left + scale(tick);
    parts.push(
      `<line x1="${fixed(x)}" x2="${fixed(x)}" y1="${top - 4}" y2="${height - 20}" stroke="${tick === 0 ? "#9ca3af" : "#e5e7eb"}"/>` +
        `<text x="${fixed(x)}" y="${height - 6}" text-anchor="middle" fill="#4b5563">${escapeXml(options.formatValue(tick))}</text>`,
    );
  }
  groups.forEach((group, groupIndex) => {
    const y = top + groupIndex * groupHeight;
    const middle = y + (group.bars.length * (barHeight + 4)) / 2;
    parts.push(
      `<text x="${left - 10}" y="${fixed(middle + 4)}" text-anchor="end" fill="#111827" font-weight="600">${escapeXml(group.label)}</text>`,
    );
    group.bars.forEach((bar, barIndex) => {
      const barY = y + barIndex * (barHeight + 4);
      const width = Math.max(scale(bar.value), 1);
      parts.push(
        mark(
          "rect",
          `x="${left}" y="${barY}" width="${fixed(width)}" height="${barHeight}" rx="2" fill="${bar.color}"`,
          bar.value,
          bar.label,
        ),
      );
      parts.push(
        `<text x="${fixed(left + width + 6)}" y="${barY + barHeight - 4}" fill="#374151">${escapeXml(options.formatValue(bar.value))}</text>`,
      );
    });
  });
  parts.push("</svg>");
  return parts.join("");
}
