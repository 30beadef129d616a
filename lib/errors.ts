/** Shapes that cannot be broadcast, multiplied or reshaped together. The message names both shapes. */
export class ShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShapeError';
  }
}

export type LinAlgErrorCode = 'SINGULAR' | 'NOT_POSITIVE_DEFINITE' | 'NO_CONVERGENCE' | 'NOT_SQUARE' | 'EMPTY';

/** A linear-algebra failure where NumPy raises `LinAlgError`; `code` says which. */
export class LinAlgError extends Error {
  readonly code: LinAlgErrorCode;
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
