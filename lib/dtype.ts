import { describe } from './errors.js';

/**
 * Element type of a {@link Tensor}. float64 is the default; promotion follows NumPy 2 (float32 with
 * float64 or int32 gives float64; a JS number does not widen a float tensor).
 */
export type DType = 'float64' | 'float32' | 'int32';
/** The typed arrays a {@link Tensor} can wrap, one per {@link DType}. */
export type TypedArray = Float64Array | Float32Array | Int32Array;
export type TypedArrayConstructor = Float64ArrayConstructor | Float32ArrayConstructor | Int32ArrayConstructor;

export const DTYPES: readonly DType[] = ['float64', 'float32', 'int32'];

export const ARRAY_TYPES: Record<DType, TypedArrayConstructor> = {
  float64: Float64Array,
  float32: Float32Array,
  int32: Int32Array,
};

export function checkDType(dtype: unknown, what = 'dtype'): DType {
  if (dtype === 'float64' || dtype === 'float32' || dtype === 'int32') return dtype;
  throw new TypeError(`Expected one of 'float64', 'float32', 'int32' for ${what} but received ${describe(dtype)}`);
}

/** The dtype of a typed array, or undefined when it is not one of ours. */
export function dtypeOfArray(data: unknown): DType | undefined {
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Int32Array) return 'int32';
  return undefined;
}

export const isFloat = (d: DType): boolean => d !== 'int32';

/** NumPy 2 promotion between two arrays: f32+f64 -> f64, i32+f32 -> f64, i32+i32 -> i32. */
export function promote(a: DType, b: DType): DType {
  if (a === b) return a;
  return 'float64';
}

/** NumPy 2 promotion of an array with a weak Python-style scalar. */
export function promoteScalar(a: DType, value: number): DType {
  if (a !== 'int32') return a;
  if (Number.isInteger(value)) {
    if (value < -2147483648 || value > 2147483647) {
      throw new RangeError(`JS number ${value} is out of bounds for int32`);
    }
    return 'int32';
  }
  return 'float64';
}

/** The float dtype a computation on `d` yields (int32 -> float64). */
export const floatOf = (d: DType): DType => (d === 'int32' ? 'float64' : d);

/** Whether values of `from` fit `to` without loss (NumPy's casting='same_kind' narrowed to safe casts). */
export function canCast(from: DType, to: DType): boolean {
  if (from === to) return true;
  if (to === 'float64') return true;
  return false;
}
