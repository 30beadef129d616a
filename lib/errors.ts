/**
 * Shapes that cannot be broadcast, multiplied or reshaped together. The message names both shapes.
 *
 * @example
 * ```ts
 * try {
 *   add(zeros([2, 3]), zeros([4]));
 * } catch (e) {
 *   if (!(e instanceof ShapeError)) throw e;
 *   e.message; // 'operands could not be broadcast together with shapes [2,3] [4]'
 * }
 * ```
 */
export class ShapeError extends Error {
  /** Creates the error; the library's messages name the shapes involved. */
  constructor(message: string) {
    super(message);
    this.name = 'ShapeError';
  }
}

/**
 * Why a {@link LinAlgError} was thrown: `'SINGULAR'` (a singular matrix where an inverse or solution
 * is needed), `'NOT_POSITIVE_DEFINITE'` (Cholesky), `'NO_CONVERGENCE'` (an eigen or singular value
 * iteration failed), `'NOT_SQUARE'` (too few dimensions, or not square where square is required),
 * `'EMPTY'` (an empty matrix where NumPy rejects one).
 */
export type LinAlgErrorCode = 'SINGULAR' | 'NOT_POSITIVE_DEFINITE' | 'NO_CONVERGENCE' | 'NOT_SQUARE' | 'EMPTY';

/**
 * A linear-algebra failure where NumPy raises `LinAlgError`; `code` says which.
 *
 * @example
 * ```ts
 * try {
 *   linalg.inv(tensor([[1, 2], [2, 4]]));
 * } catch (e) {
 *   if (!(e instanceof LinAlgError)) throw e;
 *   e.code; // 'SINGULAR'
 * }
 * ```
 */
export class LinAlgError extends Error {
  /** Which failure it was. */
  readonly code: LinAlgErrorCode;
  /** Creates the error with the {@link LinAlgErrorCode} `code`. */
  constructor(message: string, code: LinAlgErrorCode) {
    super(message);
    this.name = 'LinAlgError';
    this.code = code;
  }
}

/** Writes a value for error messages: `-3 of type number`. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `array of length ${value.length}`;
  if (typeof value === 'object') return `${(value as object).constructor?.name ?? 'object'}`;
  return `${String(value)} of type ${typeof value}`;
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}
