import { createRequire } from 'node:module';
import * as A from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { arange, rand, tensor, Tensor, zeros } from '../lib/index.js';
import { fromArrow, fromArrowIPC, loadArrow, toArrow, type ArrowVectorLike } from '../lib/arrow.js';
import { thrown } from './helpers.js';

const BPE = { float64: 8, float32: 4, int32: 4 } as const;
/** apache-arrow's CommonJS build: a second copy in this process (the test file imports the ES build). */
const C = createRequire(import.meta.url)('apache-arrow') as typeof A;

/** The single chunk's values of a Vector (apache-arrow's Data.values). */
const valuesOf = (v: ArrowVectorLike): ArrayBufferView => (v.data[0] as unknown as { values: ArrayBufferView }).values;

/** Whether two views share bytes (not just an ArrayBuffer: small copies may come from one pooled slab). */
const overlaps = (a: ArrayBufferView, b: ArrayBufferView): boolean =>
  a.buffer === b.buffer && a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;


/** Flat C-order values as strings (NaN and -0 compare exactly). */
const flat = (t: Tensor): string[] => {
  const v = t.toArray();
  return (typeof v === 'number' ? [v] : (v as unknown[]).flat(Infinity) as number[]).map((x) => Object.is(x, -0) ? '-0' : String(x));
};

// First in the file: the first load of apache-arrow in this process.
describe('loading apache-arrow', () => {
  it('loads the ES module build (the instance `import` gives) and warns once when the CommonJS build is loaded too', async () => {
    const warnings: Error[] = [];
    const listen = (w: Error): void => void warnings.push(w);
    process.on('warning', listen);
    try {
      expect(C.Table).not.toBe(A.Table); // this file has both
      expect((loadArrow('toArrow') as unknown as typeof A).tableToIPC).toBe(A.tableToIPC);
      expect(loadArrow('toArrow').Table).toBe(A.Table);
      toArrow(arange(2));
      await new Promise((r) => setTimeout(r, 20));
      const two = warnings.filter((w) => (w as { code?: string }).code === 'TENSORBLAS_ARROW_TWO_COPIES');
      expect(two.length).toBe(1);
      expect(two[0].message).toMatch(/pass it: toArrow\(\.\.\., \{ arrow: require\('apache-arrow'\) \}\)/);
    } finally {
      process.off('warning', listen);
    }
  });
});

describe('fromArrow: numeric vectors', () => {
  const cases: [string, A.Vector, string, number[]][] = [
    ['Float64', A.vectorFromArray([1.5, -0, Infinity], new A.Float64()), 'float64', [1.5, -0, Infinity]],
    ['Float32', A.vectorFromArray([1.5, -2, 3.25], new A.Float32()), 'float32', [1.5, -2, 3.25]],
    ['Float16', A.vectorFromArray([1.5, -2, 65504, 6e-8], new A.Float16()), 'float32', [1.5, -2, 65504, 2 ** -24]],
    ['Int8', A.vectorFromArray([-128, 0, 127], new A.Int8()), 'int32', [-128, 0, 127]],
    ['Int16', A.vectorFromArray([-32768, 32767], new A.Int16()), 'int32', [-32768, 32767]],
    ['Int32', A.vectorFromArray([-(2 ** 31), 2 ** 31 - 1], new A.Int32()), 'int32', [-(2 ** 31), 2 ** 31 - 1]],
    ['Uint8', A.vectorFromArray([0, 255], new A.Uint8()), 'int32', [0, 255]],
    ['Uint16', A.vectorFromArray([0, 65535], new A.Uint16()), 'int32', [0, 65535]],
    ['Uint32', A.vectorFromArray([0, 2 ** 32 - 1], new A.Uint32()), 'float64', [0, 2 ** 32 - 1]],
    ['Int64', A.makeVector(new BigInt64Array([0n, -1n, 2n ** 53n + 1n, -(2n ** 63n), 2n ** 63n - 1n])), 'float64', [0, -1, 2 ** 53, -(2 ** 63), 2 ** 63]],
    ['Uint64', A.makeVector(new BigUint64Array([0n, 2n ** 64n - 1n, 2n ** 32n + 5n])), 'float64', [0, 2 ** 64, 2 ** 32 + 5]],
    ['Bool', A.vectorFromArray([true, false, true], new A.Bool()), 'int32', [1, 0, 1]],
  ];
  for (const [name, v, dtype, want] of cases) {
    it(`${name} -> ${dtype} (NumPy's nearest-dtype rule; 64-bit integers round to the nearest double)`, () => {
      const t = fromArrow(v);
      expect(t.dtype).toBe(dtype);
      expect(t.shape).toEqual([want.length]);
      expect(flat(t)).toEqual(want.map((x) => Object.is(x, -0) ? '-0' : String(x)));
    });
  }

  it('a one-chunk Float64/Float32/Int32 vector without nulls is a view of its buffer (same ArrayBuffer and byteOffset)', () => {
    for (const arr of [new Float64Array([1, 2, 3]), new Float32Array([1, 2, 3]), new Int32Array([1, 2, 3])]) {
      const v = A.makeVector(arr);
      const t = fromArrow(v);
      const values = valuesOf(v);
      expect(t.data.buffer).toBe(values.buffer);
      expect(t.data.byteOffset).toBe(values.byteOffset);
      expect(t.data.length).toBe(3);
      t.data[0] = 42;
      expect(v.get(0)).toBe(42); // one memory
    }
  });

  it('a sliced vector is still a view, at the slice', () => {
    const v = A.makeVector(new Float64Array([0, 1, 2, 3, 4, 5])).slice(2, 5);
    const t = fromArrow(v);
    expect(t.toArray()).toEqual([2, 3, 4]);
    expect(t.data.buffer).toBe(valuesOf(v).buffer);
    expect(t.data.byteOffset).toBe(valuesOf(v).byteOffset);
  });

  it('several chunks are copied once into one tensor', () => {
    const v = A.makeVector([new Float32Array([1, 2]), new Float32Array([]), new Float32Array([3, 4, 5])]);
    expect(v.data.length).toBe(3);
    const t = fromArrow(v);
    expect(t.dtype).toBe('float32');
    expect(t.toArray()).toEqual([1, 2, 3, 4, 5]);
    expect(overlaps(t.data, valuesOf(v))).toBe(false);
    // but one non-empty chunk among empty ones is still a view
    const w = A.makeVector([new Float64Array([]), new Float64Array([7, 8])]);
    expect(fromArrow(w).data.buffer).toBe((w.data[1] as unknown as { values: ArrayBufferView }).values.buffer);
  });

  it('nulls: NaN for float results, an Error for int32 unless nulls: "nan" (then float64); nulls: "error" refuses them', () => {
    const f = A.vectorFromArray([1, null, 3], new A.Float64());
    const tf = fromArrow(f);
    expect(flat(tf)).toEqual(['1', 'NaN', '3']);
    expect(overlaps(tf.data, valuesOf(f))).toBe(false); // the column's own buffer is never written
    expect(valuesOf(f) as Float64Array).not.toContain(NaN);
    expect(flat(fromArrow(A.vectorFromArray([null, 2.5], new A.Float32())))).toEqual(['NaN', '2.5']);
    const i = A.vectorFromArray([1, null, 3], new A.Int32());
    const err = thrown(() => fromArrow(i));
    expect(err.constructor).toBe(Error);
    expect(err.message).toMatch(/the vector has a null at row 1, which cannot be read as int32; pass \{ nulls: 'nan' \}/);
    const tn = fromArrow(i, { nulls: 'nan' });
    expect(tn.dtype).toBe('float64');
    expect(flat(tn)).toEqual(['1', 'NaN', '3']);
    expect(fromArrow(A.vectorFromArray([1, 2], new A.Int32()), { nulls: 'nan' }).dtype).toBe('float64'); // by type, not by values
    expect(thrown(() => fromArrow(f, { nulls: 'error' })).message).toMatch(/null at row 1.*nulls: 'error'/);
    expect(flat(fromArrow(A.vectorFromArray([true, null], new A.Bool()), { nulls: 'nan' }))).toEqual(['1', 'NaN']);
    // a null in the second chunk is reported at its row in the whole vector
    const two = A.makeVector([A.vectorFromArray([1, 2], new A.Int16()).data[0], A.vectorFromArray([3, null], new A.Int16()).data[0]]);
    expect(thrown(() => fromArrow(two)).message).toMatch(/null at row 3/);
  });

  it('nulls in a sliced chunk use the bitmap at the slice offset', () => {
    const v = A.vectorFromArray([null, 1, null, 3, 4, null, 6, 7, 8, null], new A.Float64()).slice(3, 10);
    expect(flat(fromArrow(v))).toEqual(['3', '4', 'NaN', '6', '7', '8', 'NaN']);
    const b = A.vectorFromArray([true, false, true, true, false, false, true, true, false, true], new A.Bool()).slice(5);
    expect(fromArrow(b).toArray()).toEqual([0, 1, 1, 0, 1]);
  });

  it('non-numeric and ragged vectors are TypeErrors naming the type', () => {
    const e1 = thrown(() => fromArrow(A.vectorFromArray(['a', 'b'])));
    expect(e1).toBeInstanceOf(TypeError);
    expect(e1.message).toMatch(/the vector has Arrow type Dictionary<Int32, Utf8>, which is not numeric/);
    expect(thrown(() => fromArrow(A.vectorFromArray([1n], new A.TimestampMillisecond())))).toBeInstanceOf(TypeError);
    const ragged = A.vectorFromArray([[1, 2], [3]], new A.List(new A.Field('item', new A.Float64())));
    const e2 = thrown(() => fromArrow(ragged));
    expect(e2).toBeInstanceOf(TypeError);
    expect(e2.message).toMatch(/List<Float64>: a variable-size list.*ragged.*FixedSizeList/);
  });

  it('takes the objects of another copy of apache-arrow (the CommonJS build) and plain structural objects', () => {
    expect(C.Table).not.toBe(A.Table);
    const v = C.makeVector(new Float64Array([1, 2]));
    expect(fromArrow(v).data.buffer).toBe(valuesOf(v).buffer);
    expect(fromArrow(C.tableFromArrays({ a: new Int32Array([1, 2]), b: new Float32Array([3, 4]) })).toArray()).toEqual([[1, 3], [2, 4]]);
    const plain = { type: { typeId: 3, precision: 1 }, length: 2, data: [{ type: { typeId: 3, precision: 1 }, length: 2, offset: 0, nullCount: 0, values: new Float32Array([5, 6]) }] };
    expect(fromArrow(plain).toArray()).toEqual([5, 6]);
  });

  it('malformed structural data is an Error, not an out-of-bounds read', () => {
    const chunk = (over: Record<string, unknown>) => ({ type: { typeId: 3, precision: 2 }, length: 4, data: [{ type: { typeId: 3, precision: 2 }, length: 4, offset: 0, nullCount: 0, values: new Float64Array(4), ...over }] });
    expect(thrown(() => fromArrow(chunk({ values: new Float64Array(3) }))).message).toMatch(/4 values need 32 bytes but the values buffer has 24/);
    expect(thrown(() => fromArrow(chunk({ values: [1, 2, 3, 4] }))).message).toMatch(/values are array/);
    expect(thrown(() => fromArrow(chunk({ nullCount: 1, nullBitmap: new Uint8Array(0) }))).message).toMatch(/1 nulls but no validity bitmap/);
    expect(thrown(() => fromArrow(chunk({ nullCount: 1, offset: 5, nullBitmap: new Uint8Array(1) }))).message).toMatch(/bitmap of 1 bytes for 9 bits/);
    expect(thrown(() => fromArrow(chunk({ length: -1 }))).message).toMatch(/malformed Arrow data \(length -1/);
    for (const x of [null, 3, {}, [1, 2], new Float64Array(2), { type: { typeId: 3 }, data: 'x' }]) {
      expect(thrown(() => fromArrow(x as never))).toBeInstanceOf(TypeError);
    }
    expect(thrown(() => fromArrow(A.makeVector(new Float64Array(1)), { nulls: 'zero' } as never))).toBeInstanceOf(TypeError);
    expect(thrown(() => fromArrow(A.makeVector(new Float64Array(1)), { columns: ['a'] }))).toBeInstanceOf(TypeError);
  });
});

describe('fromArrow: tables and record batches', () => {
  const table = A.tableFromArrays({
    x: new Float64Array([1, 2, 3]),
    y: new Int32Array([4, 5, 6]),
    z: new Float32Array([0.5, 1.5, 2.5]),
    s: ['a', 'b', 'c'],
  });

  it('numeric columns become a (rows, columns) matrix with contiguous columns, one pass per column', () => {
    const m = fromArrow(table, { columns: ['x', 'y', 'z'] });
    expect(m.shape).toEqual([3, 3]);
    expect(m.strides).toEqual([1, 3]); // Fortran order: each column is a block of `data`
    expect(m.dtype).toBe('float64');
    expect(m.toArray()).toEqual([[1, 4, 0.5], [2, 5, 1.5], [3, 6, 2.5]]);
    expect([...m.data]).toEqual([1, 2, 3, 4, 5, 6, 0.5, 1.5, 2.5]);
    expect(m.contiguous().toArray()).toEqual(m.toArray());
  });

  it('promotes column dtypes as NumPy does', () => {
    const t = A.tableFromArrays({ f: new Float32Array([1]), g: new Float32Array([2]), i: new Int32Array([3]), j: new Int8Array([4]), u: new Uint32Array([5]) });
    expect(fromArrow(t, { columns: ['f', 'g'] }).dtype).toBe('float32');
    expect(fromArrow(t, { columns: ['i', 'j'] }).dtype).toBe('int32');
    expect(fromArrow(t, { columns: ['f', 'i'] }).dtype).toBe('float64');
    expect(fromArrow(t, { columns: ['i', 'u'] }).dtype).toBe('float64');
    expect(fromArrow(t, { columns: ['i'], nulls: 'nan' }).dtype).toBe('float64');
  });

  it('selects columns by name, index and negative index, in the order given, repeats allowed', () => {
    expect(fromArrow(table, { columns: ['z', 0, -3, 'z'] }).toArray()).toEqual([[0.5, 1, 4, 0.5], [1.5, 2, 5, 1.5], [2.5, 3, 6, 2.5]]);
    const none = fromArrow(table, { columns: [] });
    expect(none.shape).toEqual([3, 0]);
    expect(none.dtype).toBe('float64');
  });

  it('a missing column is a RangeError listing the available ones; a non-numeric one a TypeError naming it', () => {
    const e = thrown(() => fromArrow(table, { columns: ['x', 'w'] }));
    expect(e).toBeInstanceOf(RangeError);
    expect(e.message).toBe("fromArrow: no column named 'w' (available: 'x', 'y', 'z', 's')");
    expect(thrown(() => fromArrow(table, { columns: [4] }))).toBeInstanceOf(RangeError);
    expect(thrown(() => fromArrow(table, { columns: [-5] }))).toBeInstanceOf(RangeError);
    const t = thrown(() => fromArrow(table));
    expect(t).toBeInstanceOf(TypeError);
    expect(t.message).toMatch(/column 's' has Arrow type Dictionary<Int32, Utf8>, which is not numeric/);
    const dup = new A.Table({ a: A.makeVector(new Float64Array([1])) });
    const two = new A.Table(new A.Schema([new A.Field('a', new A.Float64()), new A.Field('a', new A.Float64())]), ...[]);
    expect(fromArrow(dup, { columns: ['a'] }).toArray()).toEqual([[1]]);
    expect(thrown(() => fromArrow(two, { columns: ['a'] })).message).toMatch(/ambiguous/);
    expect(thrown(() => fromArrow(table, { columns: 'x' } as never))).toBeInstanceOf(TypeError);
    expect(thrown(() => fromArrow(table, { columns: [1.5] }))).toBeInstanceOf(TypeError);
  });

  it('reads tables of several batches (multi-chunk columns) and sliced tables', () => {
    const t1 = A.tableFromArrays({ a: new Float64Array([1, 2]), b: new Int32Array([3, 4]) });
    const t2 = A.tableFromArrays({ a: new Float64Array([5]), b: new Int32Array([6]) });
    const both = t1.concat(t2, t1);
    expect(both.batches.length).toBe(3);
    expect(fromArrow(both).toArray()).toEqual([[1, 3], [2, 4], [5, 6], [1, 3], [2, 4]]);
    expect(fromArrow(both.slice(1, 4)).toArray()).toEqual([[2, 4], [5, 6], [1, 3]]);
    expect(fromArrow(both, { columns: ['b'] }).dtype).toBe('int32');
  });

  it('a single one-chunk column is a view; nulls follow the result dtype', () => {
    const t = A.tableFromArrays({ a: new Float64Array([1, 2, 3]) });
    const m = fromArrow(t);
    expect(m.shape).toEqual([3, 1]);
    expect(m.data.buffer).toBe(valuesOf(t.getChild('a')!).buffer);
    const withNulls = new A.Table({ f: A.vectorFromArray([1, null], new A.Float64()), i: A.vectorFromArray([null, 2], new A.Int32()) });
    expect(flat(fromArrow(withNulls))).toEqual(['1', 'NaN', 'NaN', '2']); // float64 result: NaN in the int column too
    expect(thrown(() => fromArrow(withNulls, { columns: ['i'] })).message).toMatch(/column 'i' has a null at row 0, which cannot be read as int32/);
    expect(thrown(() => fromArrow(withNulls, { nulls: 'error' })).message).toMatch(/column 'f' has a null at row 1/);
  });

  it('takes a RecordBatch, and an empty table', () => {
    const rb = table.batches[0];
    expect(fromArrow(rb, { columns: ['y', 'x'] }).toArray()).toEqual([[4, 1], [5, 2], [6, 3]]);
    const empty = A.tableFromArrays({ a: new Float64Array(0), b: new Float32Array(0) });
    expect(fromArrow(empty).shape).toEqual([0, 2]);
    expect(fromArrow(new A.Table()).shape).toEqual([0, 0]);
  });

  it('refuses a record batch whose struct does not match its schema', () => {
    const bad = { schema: { fields: [{ name: 'a', type: new A.Float64() }] }, data: { type: { typeId: 13 }, length: 1, offset: 0, children: [] }, numRows: 1 };
    expect(thrown(() => fromArrow(bad)).message).toMatch(/record batch 0 does not hold one struct child per schema field/);
  });
});

describe('fromArrow: FixedSizeList (embeddings)', () => {
  const listOf = (size: number, values: Float32Array | Float64Array | Int32Array, type: A.DataType) =>
    A.makeVector(A.makeData({ type: new A.FixedSizeList(size, new A.Field('item', type)), length: values.length / size, nullCount: 0, child: A.makeData({ type, data: values } as never) }));

  it('a one-chunk list column without nulls is a (rows, listSize) view of the child buffer', () => {
    for (const [values, type, dtype] of [[new Float32Array(12).map((_, i) => i), new A.Float32(), 'float32'], [new Float64Array(12).map((_, i) => i / 2), new A.Float64(), 'float64']] as const) {
      const v = listOf(4, values, type);
      const m = fromArrow(v);
      expect(m.dtype).toBe(dtype);
      expect(m.shape).toEqual([3, 4]);
      expect(m.strides).toEqual([4, 1]);
      const child = (v.data[0].children[0] as unknown as { values: ArrayBufferView }).values;
      expect(m.data.buffer).toBe(child.buffer);
      expect(m.data.byteOffset).toBe(child.byteOffset);
      expect(m.get(2, 1)).toBe(values[9]);
    }
  });

  it('from a table column selected alone; sliced; several chunks; with null rows and null elements', () => {
    const v = listOf(2, new Float32Array([1, 2, 3, 4, 5, 6]), new A.Float32());
    const t = new A.Table({ id: A.makeVector(new Int32Array([7, 8, 9])), emb: v });
    expect(fromArrow(t, { columns: ['emb'] }).toArray()).toEqual([[1, 2], [3, 4], [5, 6]]);
    const e = thrown(() => fromArrow(t));
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toMatch(/column 'emb' is a FixedSizeList.*columns: \['emb'\]/);
    expect(fromArrow(v.slice(1)).toArray()).toEqual([[3, 4], [5, 6]]);
    const sliced = fromArrow(v.slice(1));
    expect(sliced.data.buffer).toBe((v.data[0].children[0] as unknown as { values: ArrayBufferView }).values.buffer);
    const chunks = fromArrow(v.concat(v.slice(2)));
    expect(chunks.toArray()).toEqual([[1, 2], [3, 4], [5, 6], [5, 6]]);
    const withNulls = A.vectorFromArray([[1, 2], null, [null, 6]], new A.FixedSizeList(2, new A.Field('x', new A.Float64(), true)));
    expect(flat(fromArrow(withNulls))).toEqual(['1', '2', 'NaN', 'NaN', 'NaN', '6']);
    const ints = A.vectorFromArray([[1, 2], null], new A.FixedSizeList(2, new A.Field('x', new A.Int32(), true)));
    expect(thrown(() => fromArrow(ints)).message).toMatch(/has a null at row 1, which cannot be read as int32/);
    expect(flat(fromArrow(ints, { nulls: 'nan' }))).toEqual(['1', '2', 'NaN', 'NaN']);
    const strings = A.vectorFromArray([['a'], ['b']], new A.FixedSizeList(1, new A.Field('x', new A.Utf8())));
    expect(thrown(() => fromArrow(strings)).message).toMatch(/FixedSizeList\[1\]<Utf8>, whose elements \(Utf8\) are not numeric/);
  });

  it('a list whose child is shorter than rows x listSize is an Error', () => {
    const v = listOf(2, new Float32Array([1, 2, 3, 4]), new A.Float32());
    const bad = { type: v.type, length: 3, data: [{ ...v.data[0], length: 3, offset: 0, nullCount: 0, type: v.type, children: v.data[0].children }] };
    expect(thrown(() => fromArrow(bad)).message).toMatch(/3 lists of 2 need 6 child elements but the child has 4/);
  });
});

describe('toArrow', () => {
  it('1-D: a Vector over the same memory (zero copy), and back to a tensor over it again', () => {
    for (const t of [arange(5), tensor([1, 2, 3], { dtype: 'float32' }), tensor([1, 2, 3], { dtype: 'int32' })]) {
      const v = toArrow(t);
      const values = valuesOf(v);
      expect(values.buffer).toBe(t.data.buffer);
      expect(values.byteOffset).toBe(t.data.byteOffset + t.offset * BPE[t.dtype]);
      expect(String(v.type)).toBe({ float64: 'Float64', float32: 'Float32', int32: 'Int32' }[t.dtype]);
      const back = fromArrow(v);
      expect(back.data.buffer).toBe(t.data.buffer);
      expect(back.toArray()).toEqual(t.toArray());
    }
    const inner = arange(10).slice([3, 7]);
    const v = toArrow(inner);
    expect((v as unknown as A.Vector).toArray()).toEqual(new Float64Array([3, 4, 5, 6]));
    expect(valuesOf(v).buffer).toBe(inner.data.buffer);
  });

  it('1-D strided: copied once', () => {
    const t = arange(1000).slice([0, 1000, 3]); // (large enough not to share a pooled slab with its copy)
    const v = toArrow(t) as unknown as A.Vector;
    expect([...v.toArray()].slice(0, 4)).toEqual([0, 3, 6, 9]);
    expect(v.length).toBe(334);
    expect(overlaps(valuesOf(v), t.data)).toBe(false);
  });

  it('2-D: a Table, one column per tensor column; columns are views when they are contiguous (Fortran order)', () => {
    const m = rand([6, 3]);
    const f = m.T.contiguous().T; // Fortran order
    const table = toArrow(f, { columns: ['a', 'b', 'c'] }) as unknown as A.Table;
    expect(table.schema.fields.map((x) => x.name)).toEqual(['a', 'b', 'c']);
    expect(table.numRows).toBe(6);
    for (let j = 0; j < 3; j++) {
      const col = table.getChildAt(j)!;
      expect(valuesOf(col).buffer).toBe(f.data.buffer);
      expect([...col.toArray()]).toEqual(flat(m.slice(null, j)).map(Number));
    }
    const back = fromArrow(table);
    expect(back.toArray()).toEqual(m.toArray());
  });

  it('2-D C order: copied once (all columns views of one Fortran-order copy); default names c0, c1, ...', () => {
    const m = arange(600).reshape(200, 3);
    const table = toArrow(m) as unknown as A.Table;
    expect(table.schema.fields.map((x) => x.name)).toEqual(['c0', 'c1', 'c2']);
    const bufs = [0, 1, 2].map((j) => valuesOf(table.getChildAt(j)!).buffer);
    expect(overlaps(valuesOf(table.getChildAt(0)!), m.data)).toBe(false);
    expect(bufs[1]).toBe(bufs[0]);
    expect(bufs[2]).toBe(bufs[0]);
    expect(fromArrow(table).toArray()).toEqual(m.toArray());
    expect(String(table.schema.fields[0].type)).toBe('Float64');
    expect(table.schema.fields[0].nullable).toBe(false);
    expect(fromArrow(toArrow(zeros([0, 2]))).shape).toEqual([0, 2]);
    expect(fromArrow(toArrow(tensor([[1, 2]], { dtype: 'int32' }))).toArray()).toEqual([[1, 2]]);
  });

  it("as: 'list': one FixedSizeList column over the tensor's memory when C-contiguous", () => {
    const e = rand([100, 4], { dtype: 'float32' });
    const v = toArrow(e, { as: 'list' }) as unknown as A.Vector<A.FixedSizeList<A.Float32>>;
    expect(String(v.type)).toBe('FixedSizeList[4]<Float32>');
    expect(v.length).toBe(100);
    const child = (v.data[0].children[0] as unknown as { values: ArrayBufferView }).values;
    expect(child.buffer).toBe(e.data.buffer);
    const back = fromArrow(v);
    expect(back.shape).toEqual([100, 4]);
    expect(back.data.buffer).toBe(e.data.buffer);
    expect(back.toArray()).toEqual(e.toArray());
    const t = e.T.contiguous().T; // Fortran order: copied
    const w = toArrow(t, { as: 'list' });
    expect(overlaps((w.data[0] as unknown as A.Data).children[0].values, t.data)).toBe(false);
    expect(fromArrow(w).toArray()).toEqual(e.toArray());
  });

  it('works with the apache-arrow the caller imports (same module instance): tableToIPC, Table, vectors', () => {
    expect(loadArrow('test').Table).toBe(A.Table);
    expect((loadArrow('test') as unknown as typeof A).tableToIPC).toBe(A.tableToIPC);
    const table = toArrow(arange(6).reshape(3, 2)) as unknown as A.Table;
    expect(table).toBeInstanceOf(A.Table);
    const ipc = A.tableToIPC(table);
    expect(fromArrow(A.tableFromIPC(ipc)).toArray()).toEqual([[0, 1], [2, 3], [4, 5]]);
    const withList = new A.Table({ id: toArrow(arange(2)) as unknown as A.Vector, emb: toArrow(rand([2, 3]), { as: 'list' }) as unknown as A.Vector });
    expect(fromArrow(A.tableFromIPC(A.tableToIPC(withList)), { columns: ['emb'] }).shape).toEqual([2, 3]);
  });

  it('refuses what it cannot convert', () => {
    expect(thrown(() => toArrow(zeros([2, 2, 2]) as never))).toBeInstanceOf(RangeError);
    expect(thrown(() => toArrow(tensor(1) as never))).toBeInstanceOf(RangeError);
    expect(thrown(() => toArrow(arange(3) as never, { as: 'list' } as never))).toBeInstanceOf(RangeError);
    expect(thrown(() => toArrow(zeros([2, 3]), { columns: ['a', 'b'] })).message).toMatch(/columns has 2 names for a tensor of 3 columns/);
    expect(thrown(() => toArrow([1, 2] as never))).toBeInstanceOf(TypeError);
    expect(thrown(() => toArrow(zeros([2, 2]), { as: 'rows' } as never))).toBeInstanceOf(TypeError);
    expect(thrown(() => toArrow(zeros([2, 2]), { columns: [1, 2] } as never))).toBeInstanceOf(TypeError);
    expect(thrown(() => toArrow(arange(2), { columns: ['a'] }))).toBeInstanceOf(TypeError);
  });

  it('builds with the CommonJS copy when given { arrow }', () => {
    const m = arange(6).reshape(3, 2).T.contiguous().T;
    const table = toArrow(m, { arrow: C }) as unknown as A.Table;
    expect(fromArrow(C.tableFromIPC(C.tableToIPC(table))).toArray()).toEqual(m.toArray());
    const v = toArrow(arange(3), { arrow: C });
    expect(C.tableFromIPC(C.tableToIPC(new C.Table({ v: v as never }))).getChild('v')!.toArray()).toEqual(new Float64Array([0, 1, 2]));
    expect(fromArrowIPC(C.tableToIPC(table), { arrow: C }).toArray()).toEqual(m.toArray());
    // Why the option exists: the two builds do not mix (the ES build's tableToIPC drops the CommonJS table's batch).
    expect(() => A.tableFromIPC(A.tableToIPC(table)).getChild('c0')!.toArray()).toThrow();
    expect(thrown(() => toArrow(arange(2), { arrow: {} }))).toBeInstanceOf(TypeError);
    expect(thrown(() => toArrow(arange(2), { arrow: {} })).message).toMatch(/is not apache-arrow 9 or later: it has no makeData/);
  });

  it('names the package to install when it is missing', () => {
    const e = thrown(() => loadArrow('toArrow', undefined, 'tensorblas-no-such-arrow-package'));
    expect(e.message).toBe("toArrow needs the package 'tensorblas-no-such-arrow-package', which is not installed (it is an optional peer dependency of tensorblas): npm install tensorblas-no-such-arrow-package");
  });
});

describe('fromArrowIPC', () => {
  const table = A.tableFromArrays({ x: new Float64Array([1, 2, 3, 4]), y: new Int32Array([5, 6, 7, 8]) });

  it('reads the stream and file formats; one column can be a view of the bytes', () => {
    for (const format of ['stream', 'file'] as const) {
      const ipc = A.tableToIPC(table, format);
      expect(fromArrowIPC(ipc).toArray()).toEqual([[1, 5], [2, 6], [3, 7], [4, 8]]);
      const x = fromArrowIPC(ipc, { columns: ['x'] });
      expect(x.data.buffer).toBe(ipc.buffer);
      expect(fromArrowIPC(ipc.buffer.slice(ipc.byteOffset, ipc.byteOffset + ipc.length) as ArrayBuffer, { columns: ['y'] }).dtype).toBe('int32');
    }
  });

  it('truncated, empty or corrupt bytes are a named Error (apache-arrow\'s error as the cause), never a hang', () => {
    const t0 = performance.now();
    const wrapped: Error[] = [];
    for (const format of ['stream', 'file'] as const) {
      const ipc = A.tableToIPC(table, format);
      for (let n = 1; n < ipc.length; n += 7) {
        let got: Tensor | undefined;
        try {
          got = fromArrowIPC(ipc.subarray(0, n));
        } catch (e) {
          expect(e, `${format} cut at ${n}`).toBeInstanceOf(Error);
          expect((e as Error).constructor.name === 'Error' || e instanceof RangeError || e instanceof TypeError).toBe(true);
          continue;
        }
        // a stream cut between messages is a valid stream of fewer batches: a shorter, never a wrong, result
        expect(got.shape[1], `${format} cut at ${n}`).toBe(2);
      }
      for (let i = 0; i < ipc.length; i++) {
        for (const x of [0xa5, 0x01, 0x80]) {
          const c = Uint8Array.from(ipc);
          c[i] ^= x;
          try {
            fromArrowIPC(c);
          } catch (e) {
            expect(e, `${format} byte ${i}`).toBeInstanceOf(Error);
            if ((e as Error).cause !== undefined) wrapped.push(e as Error);
          }
        }
      }
    }
    // apache-arrow's own errors (some TypeErrors and RangeErrors) come wrapped, as the cause of an Error
    expect(wrapped.length).toBeGreaterThan(0);
    for (const e of wrapped) {
      expect(e.constructor).toBe(Error);
      expect(e.message).toMatch(/^fromArrowIPC: the bytes are not a valid Arrow IPC stream or file \((\w*Error): /);
    }
    expect(wrapped.some((e) => e.cause instanceof RangeError)).toBe(true);
    const e = thrown(() => fromArrowIPC(A.tableToIPC(table, 'file').subarray(0, 50)));
    expect(e.constructor).toBe(Error);
    expect(e.message).toMatch(/truncated file: 50 bytes start with the magic 'ARROW1' but do not end with it/);
    expect(thrown(() => fromArrowIPC(new Uint8Array(0))).message).toBe('fromArrowIPC: no Arrow IPC data (0 bytes)');
    expect(thrown(() => fromArrowIPC(new Uint8Array(64).fill(9))).constructor).toBe(Error);
    expect(thrown(() => fromArrowIPC('abc' as never))).toBeInstanceOf(TypeError);
    expect(performance.now() - t0).toBeLessThan(10_000);
  }, 30_000);
});

// The types of fromArrow/toArrow are asserted in test/types.test.ts (type-checked in npm test).
