// The same package from a CommonJS TypeScript file: `import` compiles to require('tensorblas').
import { tensor, linalg } from 'tensorblas';

const d: number = linalg.det(tensor([[2, 0], [0, 3]]));
const s: Float32Array = tensor(new Float32Array([1, 2])).mul(2).data;
export { d, s };
