// The type-level half of dtype promotion and shape rules, for the public signatures: a Tensor's
// type carries its dtype and, where the code says it, its rank (number of axes), so results type
// as what they are at run time. Nothing here exists at run time. Where a dtype or rank is not known
// statically (a tensor read from a file), the types fall back to the union of what it can be.
//
// Dtype and rank arithmetic is written as lookups in tables (indexed access types), not as
// conditional types on the dtype or rank: the compiler can then see that a Tensor<'float32', 2>
// is a Tensor (covariance), which it cannot prove through a conditional type. Tables cover ranks
// 0 to 8 (lib/rank-tables.ts, generated); a higher rank is typed as unknown (`number`).
import type { DType } from './dtype.js';
import type { Tensor } from './tensor.js';
import type {
  DotRankTable, MatmulRankTable, MaxRankTable, NestedListAny, RankMinusTable, RankPlusTable, ReducedTable, ShapeTuples,
} from './rank-tables.js';

/** The typed array that holds the elements of each {@link DType}. */
export interface DTypeArrays {
  /** 64-bit floats. */
  float64: Float64Array;
  /** 32-bit floats. */
  float32: Float32Array;
  /** 32-bit signed integers. */
  int32: Int32Array;
}

/** The typed array of dtype `D` (`Float32Array` for `'float32'`; the union for an unknown dtype). */
export type ArrayOf<D extends DType> = DTypeArrays[D];

/** The dtype a typed array type holds (`'float32'` for `Float32Array`). */
export type DTypeOf<A> = A extends Float64Array ? 'float64' : A extends Float32Array ? 'float32' : A extends Int32Array ? 'int32' : never;

/** `PromotionTable[A][B]`: NumPy 2's promotion of two tensor dtypes. */
interface PromotionTable {
  /** float64 with anything: float64. */
  float64: { float64: 'float64'; float32: 'float64'; int32: 'float64' };
  /** float32 stays float32 only with float32. */
  float32: { float64: 'float64'; float32: 'float32'; int32: 'float64' };
  /** int32 stays int32 only with int32. */
  int32: { float64: 'float64'; float32: 'float64'; int32: 'int32' };
}

/**
 * NumPy 2's promotion of two tensor dtypes (`'float32'` with `'float32'` stays `'float32'`, any
 * mix gives `'float64'`). An operand whose dtype is a union gives the union of the possible results.
 */
export type Promote<A extends DType, B extends DType> = PromotionTable[B][A]; // (the table is symmetric; A, a tensor's own dtype, indexes last)

/** `FloatDTypes[D]`: the dtype of a floating-point computation on `D`. */
interface FloatDTypes {
  /** Stays float64. */
  float64: 'float64';
  /** Stays float32. */
  float32: 'float32';
  /** Computes in float64. */
  int32: 'float64';
}

/** The dtype of a floating-point computation on `D`: `'int32'` computes in `'float64'`, floats keep theirs. */
export type FloatOf<D extends DType> = FloatDTypes[D];

/** `'integer'` for an integer-valued number literal type, `'fractional'` for another literal, `'unknown'` for `number`. */
export type ScalarKind<N extends number> = number extends N ? 'unknown' : `${N}` extends `${bigint}` ? 'integer' : 'fractional';

/** `ScalarPromotion[ScalarKind<N>][D]`: the dtype of a `D` tensor combined with the JS number `N`. */
interface ScalarPromotion {
  /** An integer keeps every dtype. */
  integer: { float64: 'float64'; float32: 'float32'; int32: 'int32' };
  /** A fractional number makes int32 float64. */
  fractional: { float64: 'float64'; float32: 'float32'; int32: 'float64' };
  /** A number not known statically: int32 may become float64. */
  unknown: { float64: 'float64'; float32: 'float32'; int32: 'int32' | 'float64' };
}

/**
 * The dtype of `D` combined with a JS number, a weak scalar as in NumPy 2: floats keep their dtype,
 * int32 stays int32 for an integer and becomes float64 for a fractional number (either when the
 * value is not known statically).
 */
export type WithScalar<D extends DType, N extends number> = ScalarPromotion[ScalarKind<N>][D];

/** An operand of the elementwise functions: a tensor, or a JS number taken as a weak scalar. */
export type Operand = Tensor | number;

/** The dtype of a tensor type. */
export type DTypeOfTensor<T> = T extends Tensor<infer D, number> ? D : never;

/** The rank (number of axes) of an operand type: 0 for a JS number, `number` when not known statically. */
export type RankOf<O> = O extends number ? 0 : O extends Tensor<DType, infer R> ? R : number;

/** `FloatPromotionTable[B][A]`: the float dtype `a / b` gives for tensors of dtypes A and B. */
interface FloatPromotionTable {
  float64: { float64: 'float64'; float32: 'float64'; int32: 'float64' };
  float32: { float64: 'float64'; float32: 'float32'; int32: 'float64' };
  int32: { float64: 'float64'; float32: 'float64'; int32: 'float64' };
}

/** `FloatScalarPromotion[ScalarKind<N>][D]`: the float dtype `a / n` gives for a `D` tensor and a JS number. */
interface FloatScalarPromotion {
  integer: { float64: 'float64'; float32: 'float32'; int32: 'float64' };
  fractional: { float64: 'float64'; float32: 'float32'; int32: 'float64' };
  unknown: { float64: 'float64'; float32: 'float32'; int32: 'float64' };
}

/**
 * The dtype of `a / b` (always a float) for a `D` tensor and an operand `B`. A table lookup of its
 * own rather than `FloatOf<ElementwiseDType<D, B>>`, so that the dtype stays the last index.
 */
export type DivDType<D extends DType, B extends Operand> = B extends number
  ? FloatScalarPromotion[ScalarKind<B>][D]
  : FloatPromotionTable[DTypeOfTensor<B>][D];

/** The dtype of `a op b` for a `D` tensor and an operand `B` of the elementwise functions. */
export type ElementwiseDType<D extends DType, B extends Operand> = B extends number ? WithScalar<D, B> : Promote<D, DTypeOfTensor<B>>;

/** The dtype of `a op b` for two operands of the elementwise functions (a number with a number gives float64). */
export type BinaryDType<A extends Operand, B extends Operand> = A extends number
  ? B extends number
    ? 'float64'
    : WithScalar<DTypeOfTensor<B>, A>
  : ElementwiseDType<DTypeOfTensor<A>, B>;

/**
 * The type of a `shape` of rank `R`: a tuple of R lengths (so `const [rows, cols] = m.shape` gives
 * two numbers), `readonly number[]` when the rank is unknown.
 */
export type ShapeOf<R extends number> = ShapeTuples[R];

/** `R - K` (`never` below zero; `number` when unknown or past the tables). */
export type RankMinus<R extends number, K extends number> = RankMinusTable[K][R];
/** `R + K` (`number` when unknown or past the tables). */
export type RankPlus<R extends number, K extends number> = RankPlusTable[K][R];
/** The larger of two ranks, a broadcast result's (`number` when either is unknown). */
export type MaxRank<A extends number, B extends number> = MaxRankTable[A][B];
/** The rank of `matmul(a, b)` for operand ranks `A` and `B`. */
export type MatmulRank<A extends number, B extends number> = MatmulRankTable[A][B];
/** The rank of `dot(a, b)` and `inner(a, b)` for operand ranks `A` and `B`. */
export type DotRank<A extends number, B extends number> = DotRankTable[A][B];

/**
 * What a function that reduces the last `K` axes (a matrix, K = 2; a vector, K = 1) returns for
 * a tensor of rank `R`: a number for exactly K axes, a `Tensor<D>` of rank `R - K` for a stack,
 * and either when the rank is not known statically.
 */
export type ScalarOrStack<D extends DType, R extends number, K extends number = 2> = ReducedTable<D>[K][R];

/**
 * What a reduction returns: a number when every axis goes (no `axis`, or all of them, and no
 * `keepdims`), otherwise a Tensor; either when that is not known statically.
 *
 * @typeParam D - The result's dtype.
 * @typeParam R - The input's rank.
 * @typeParam A - The type of the `axis` argument.
 * @typeParam K - The type of the `keepdims` argument.
 */
export type Reduced<D extends DType, R extends number, A, K extends boolean | undefined> = K extends true
  ? Tensor<D, R>
  : boolean extends K
    ? number | Tensor<D>
    : A extends undefined | null
      ? number
      : A extends number
        ? ReducedTable<D>[1][R]
        : A extends readonly number[]
          ? ReducedTable<D>[A['length']][R]
          : number | Tensor<D>;

/** Numbers, or arrays of (arrays of ...) numbers, every level rectangular. */
export type NestedArray = number | readonly NestedArray[];

/**
 * The rank of the elements of a nested array type (`number[][]` is 2); `number` for the general
 * {@link NestedArray}, whose depth is only known at run time.
 */
export type NestedRank<T> = NestedArray extends T ? number : T extends number ? 0 : T extends readonly (infer E)[] ? RankPlus<NestedRank<E>, 1> : number;

/** The rank of a shape argument: 1 for a number, the tuple's length for a literal array, else unknown. */
export type RankOfShape<S> = S extends number ? 1 : S extends readonly number[] ? (number extends S['length'] ? number : S['length']) : number;

/**
 * What a call with options `P` returns when it computes `R`: the `out` tensor when `P` has one
 * (typed as that tensor), `R` when it has none, either when `out` may or may not be there.
 */
export type OutResult<P, R> = P extends {
  /** The tensor to write into, always given. */
  out: infer O;
}
  ? (O extends Tensor ? O : never) | (undefined extends O ? R : never)
  : P extends {
    /** The tensor to write into, perhaps. */
    out?: infer O;
  }
    ? [O] extends [Tensor | undefined]
      ? Exclude<O, undefined> | R
      : R
    : R;
