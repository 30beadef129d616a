// NumPy-style printing (numpy.array2string defaults): precision 8 with trailing zeros dropped and
// columns padded, scientific notation when magnitudes call for it, '...' past 1000 elements.
import type { Tensor } from './tensor.js';

const PRECISION = 8;
const THRESHOLD = 1000;
const EDGE_ITEMS = 3;
const LINE_WIDTH = 75;

interface Formatter {
  (v: number): string;
}

function collect(t: Tensor, summarize: boolean): number[] {
  const out: number[] = [];
  const walk = (dim: number, off: number): void => {
    if (dim === t.ndim) {
      out.push(t.data[off]);
      return;
    }
    const n = t.shape[dim];
    const s = t.strides[dim];
    if (summarize && n > 2 * EDGE_ITEMS) {
      for (let i = 0; i < EDGE_ITEMS; i++) walk(dim + 1, off + i * s);
      for (let i = n - EDGE_ITEMS; i < n; i++) walk(dim + 1, off + i * s);
    } else for (let i = 0; i < n; i++) walk(dim + 1, off + i * s);
  };
  walk(0, t.offset);
  return out;
}

function special(v: number): string | null {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  return null;
}

/** float32 values print as their shortest float32 round-trip decimal, as NumPy does. */
function shortestFloat32(v: number): number {
  for (let p = 1; p < 9; p++) {
    const r = Number(v.toPrecision(p));
    if (Math.fround(r) === v) return r;
  }
  return v;
}

function floatFormatter(raw: number[], float32: boolean): Formatter {
  const values = float32 ? raw.map(shortestFloat32) : raw;
  const finite = values.filter((v) => Number.isFinite(v));
  const abs = finite.map(Math.abs).filter((v) => v !== 0);
  const maxAbs = abs.length ? Math.max(...abs) : 0;
  const minAbs = abs.length ? Math.min(...abs) : 0;
  const exponential = abs.length > 0 && (maxAbs >= 1e8 || minAbs < 1e-4 || maxAbs / minAbs > 1e3);
  if (exponential) {
    const parts = finite.map((v) => {
      const [m, e] = v.toExponential(PRECISION).split('e');
      const mant = m.replace(/0+$/, '');
      return { mant, frac: mant.length - mant.indexOf('.') - 1 };
    });
    const frac = Math.max(0, ...parts.map((p) => p.frac));
    const expDigits = Math.max(2, ...finite.map((v) => String(Math.abs(Number(v.toExponential(PRECISION).split('e')[1]))).length));
    return (x) => {
      const s = special(x);
      if (s !== null) return s;
      const v = float32 ? shortestFloat32(x) : x;
      const [m, e] = v.toExponential(frac).split('e');
      const mant = frac === 0 ? m.replace(/\.?$/, '.') : m;
      const ev = Number(e);
      return `${mant}e${ev < 0 ? '-' : '+'}${String(Math.abs(ev)).padStart(expDigits, '0')}`;
    };
  }
  const reprs = finite.map((v) => v.toFixed(PRECISION).replace(/0+$/, ''));
  const frac = Math.max(0, ...reprs.map((r) => r.length - r.indexOf('.') - 1));
  return (x) => {
    const s = special(x);
    if (s !== null) return s;
    const v = float32 ? shortestFloat32(x) : x;
    const r = v.toFixed(PRECISION).replace(/0+$/, '');
    const f = r.length - r.indexOf('.') - 1;
    return r + ' '.repeat(frac - f); // 'maxprec': pad on the right, as NumPy does
  };
}

/** Formats like numpy's str(); `prefix` widens continuation indents (for repr), `sep` between items. */
export function format(t: Tensor, prefix = '', sep = ' '): string {
  const summarize = t.size > THRESHOLD;
  const values = collect(t, summarize);
  const fmt: Formatter = t.dtype === 'int32' ? (v) => String(v) : floatFormatter(values, t.dtype === 'float32');
  const width = Math.max(0, ...values.map((v) => fmt(v).length));
  const item = (v: number): string => fmt(v).padStart(width);
  if (t.ndim === 0) return fmt(t.data[t.offset]).trimEnd();
  const indentBase = ' '.repeat(prefix.length);

  const render = (dim: number, off: number, indent: string): string => {
    const n = t.shape[dim];
    const s = t.strides[dim];
    const idx: (number | null)[] = [];
    if (summarize && n > 2 * EDGE_ITEMS) {
      for (let i = 0; i < EDGE_ITEMS; i++) idx.push(i);
      idx.push(null);
      for (let i = n - EDGE_ITEMS; i < n; i++) idx.push(i);
    } else for (let i = 0; i < n; i++) idx.push(i);
    if (dim === t.ndim - 1) {
      // One row: wrap at the line width like NumPy.
      const words = idx.map((i) => (i === null ? '...' : item(t.data[off + i * s])));
      const lines: string[] = [];
      let line = '[';
      words.forEach((w, k) => {
        const piece = k === 0 ? w : sep + w;
        if (k > 0 && indent.length + line.length + piece.length + 1 > LINE_WIDTH) {
          lines.push(line + sep.trimEnd());
          line = ' ' + w;
        } else line += piece;
      });
      lines.push(line + ']');
      return lines.join('\n' + indent);
    }
    const blank = '\n'.repeat(t.ndim - dim - 2);
    const rows = idx.map((i) => (i === null ? '...' : render(dim + 1, off + i * s, indent + ' ')));
    return '[' + rows.join(sep.trimEnd() + '\n' + blank + indent + ' ') + ']';
  };
  return render(0, t.offset, indentBase);
}
