// The CommonJS entry (`require('tensorblas')`): the very same ES module, loaded through Node's
// require(esm) (unflagged from Node 20.19, the oldest Node in `engines`). Re-exporting it, rather
// than compiling lib/ twice, keeps one Tensor class and one loaded addon per process, so tensors
// pass between CommonJS and ESM code and `instanceof Tensor` holds on both sides.
export * from './index.js';
