// Worker body for test/workers.test.ts: loads the addon in this thread, reads a matrix from a
// SharedArrayBuffer without copying, and writes A @ A and inv(A) back into shared memory.
import { parentPort, workerData } from 'node:worker_threads';
import { tensor, linalg } from 'tensorblas';

const { shared, n, out } = workerData;
const a = tensor(new Float64Array(shared), { shape: [n, n] });
const sameMemory = a.data.buffer === shared;
const product = a.matmul(a);
const inverse = await linalg.invAsync(a);
const target = new Float64Array(out);
target.set(product.toTypedArray(), 0);
target.set(inverse.toTypedArray(), n * n);
parentPort.postMessage({ sameMemory, threadDone: true });
