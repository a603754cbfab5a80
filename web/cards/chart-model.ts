/**
 * What the card's `chart` component (a VChart spec, docs/feishu.md#card-components) needs drawn, reduced to categories,
 * series and an axis range. Bar charts (vertical or `direction: horizontal`) and line charts are
 * drawn; other kinds fall back to a table of the same data. Pure, so it is unit-tested.
 */
export interface ChartModel {
  kind: 'bar' | 'line' | 'table';
  horizontal: boolean;
  title?: string;
  categories: string[];
  series: { name: string; values: (number | null)[] }[];
  min: number;
  max: number;
  ticks: number[];
  labels: boolean;
  /** The raw rows, for the table fallback. */
  rows: Record<string, unknown>[];
  fields: string[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const first = (v: unknown): string | undefined => (Array.isArray(v) ? (v[0] as string | undefined) : typeof v === 'string' ? v : undefined);

function rowsOf(spec: Obj): Record<string, unknown>[] {
  const data = spec.data;
  if (Array.isArray(data)) return data.flatMap((d) => (isObj(d) && Array.isArray(d.values) ? (d.values as Obj[]) : []));
  if (isObj(data) && Array.isArray(data.values)) return data.values as Obj[];
  return [];
}

/** A rounded top for the value axis: 1, 2 or 5 times a power of ten. */
export function niceCeil(v: number): number {
  if (v <= 0) return 0;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const k of [1, 2, 2.5, 5, 10]) if (k * p >= v - 1e-9) return k * p;
  return 10 * p;
}

export function chartModel(specIn: unknown): ChartModel {
  const spec = isObj(specIn) ? specIn : {};
  const type = String(spec.type ?? 'bar');
  const rows = rowsOf(spec);
  const horizontal = spec.direction === 'horizontal';
  let xField = first(spec.xField) ?? 'x';
  let yField = first(spec.yField) ?? 'y';
  if (horizontal) [xField, yField] = [yField, xField]; // horizontal bars: the category is on y
  const seriesField = typeof spec.seriesField === 'string' ? spec.seriesField : undefined;
  const title = isObj(spec.title) && typeof spec.title.text === 'string' ? spec.title.text : undefined;
  const fields = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const kind: ChartModel['kind'] = type === 'bar' || type === 'line' || type === 'area' ? (type === 'bar' ? 'bar' : 'line') : 'table';

  const categories: string[] = [];
  const seriesNames: string[] = [];
  for (const r of rows) {
    const c = String(r[xField] ?? '');
    if (!categories.includes(c)) categories.push(c);
    const s = seriesField ? String(r[seriesField] ?? '') : yField;
    if (!seriesNames.includes(s)) seriesNames.push(s);
  }
  const series = seriesNames.map((name) => ({
    name,
    values: categories.map((c) => {
      const r = rows.find((row) => String(row[xField] ?? '') === c && (!seriesField || String(row[seriesField] ?? '') === name));
      const n = r ? Number(r[yField]) : NaN;
      return Number.isFinite(n) ? n : null;
    }),
  }));
  const all = series.flatMap((s) => s.values).filter((v): v is number => v !== null);
  const axes = Array.isArray(spec.axes) ? (spec.axes as Obj[]) : [];
  const valueAxis = axes.find((a) => a.orient === (horizontal ? 'bottom' : 'left'));
  const min = typeof valueAxis?.min === 'number' ? valueAxis.min : Math.min(0, ...all);
  const max = typeof valueAxis?.max === 'number' ? valueAxis.max : niceCeil(Math.max(1, ...all));
  const step = (max - min) / 4;
  const ticks = [0, 1, 2, 3, 4].map((k) => Math.round((min + k * step) * 100) / 100);
  const labels = isObj(spec.label) ? spec.label.visible !== false : false;
  return { kind, horizontal, title, categories, series, min, max, ticks, labels, rows, fields };
}

/** Aspect ratio `16:9` → height / width (0.5625); anything else gives 16:9. */
export function aspect(ratio: unknown): number {
  const m = /^(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/.exec(String(ratio ?? ''));
  return m && +m[1] > 0 ? +m[2] / +m[1] : 9 / 16;
}
