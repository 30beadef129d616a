// Public exports only.
export { Tensor, type OutOption, type SliceSpec, type ShapeArg, type NestedList, type Index, type SliceRank, type ReshapeRank } from './tensor.js';
// The type-level dtype and rank rules the signatures are written in.
export type * from './typing.js';
export type { NestedListAny } from './rank-tables.js';
export { ShapeError, LinAlgError, type LinAlgErrorCode } from './errors.js';
export type { DType, TypedArray } from './dtype.js';
export {
  tensor, zeros, ones, full, eye, arange, linspace, diag, rand, randn, concat, stack, triu, tril,
  type TensorOptions, type TensorDType, type TensorRank, type DiagRank, type JoinedDType, type RandomOptions,
} from './creation.js';
export {
  add, sub, mul, div, pow, maximum, minimum,
  neg, abs, exp, log, sqrt, square, sin, cos, tanh, sigmoid, relu, sign, clip, softmax, logSumExp,
} from './elementwise.js';
export { sum, mean, prod, max, min, std, variance as var, argmax, argmin, type Axis, type DdofOption } from './reduce.js';
export { matmul, dot, vdot, inner, outer } from './blas.js';
export { config, setNumThreads, type Config, type LoadedBinary } from './runtime.js';
import * as linalg from './linalg/index.js';
import * as distance from './distance.js';
export { linalg, distance };
export { project } from './distance.js';
export { PCA, type PCAOptions, type PCADType } from './pca.js';
export { toNpy, fromNpy, save, load, saveAsync, loadAsync, parseCsv, readCsv, readCsvAsync,
  type CsvOptions, type CsvLabelOptions, type LabeledCsv, type FilePath,
} from './io.js';
export {
  loadNpz, loadNpzAsync, saveNpz, saveNpzAsync, fromNpz, toNpz, type NpzArrays, type NpzLoadOptions, type NpzSaveOptions,
} from './npz.js';
export {
  readParquet, readParquetAsync, writeParquet, writeParquetAsync, type ReadParquetOptions, type WriteParquetOptions, type ParquetCompression,
} from './parquet.js';
export {
  fromArrow, toArrow, fromArrowIPC,
  type ArrowTypeLike, type ArrowDataLike, type ArrowVectorLike, type ArrowFieldLike, type ArrowSchemaLike,
  type ArrowRecordBatchLike, type ArrowTableLike, type ArrowDType, type WithNulls, type UniformDType, type ArrowVectorRank,
  type ArrowNulls, type FromArrowOptions, type FromArrowIPCOptions, type ToArrowOptions,
} from './arrow.js';
