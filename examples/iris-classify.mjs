// Classify Iris flowers read from a CSV file: readCsv picks columns by header name and returns the
// species column as labels (strings, sorted classes and integer codes). Two classifiers are trained
// on four fifths of the flowers and tested on the rest: least squares on one-hot targets
// (one-vs-rest) and nearest centroid.
// node examples/iris-classify.mjs   (data: examples/data/iris.csv; source and licence in examples/data/README.md)
import { concat, ones, tensor, distance, linalg, readCsv } from 'tensorblas';

const file = new URL('data/iris.csv', import.meta.url); // a file: URL is a path too
const { data: x, classes, codes } = readCsv(file, { header: true, labels: 'species' });
console.log(`read ${x.shape[0]} flowers x ${x.shape[1]} measurements; classes: ${classes.join(', ')}`);

// Hold out every fifth flower: the rows are viewed as 30 groups of 5; the first four of each group
// train, the fifth tests. (The file lists the species in blocks, so both sets hold all three.)
const split = (t) => {
  const groups = t.reshape(30, 5, ...t.shape.slice(1));
  return { train: groups.slice(null, [0, 4]).reshape(120, ...t.shape.slice(1)), test: groups.slice(null, 4) };
};
const y = split(codes);
const trainCodes = y.train.toArray();
const testCodes = y.test.toArray();
const oneHot = tensor(trainCodes.map((c) => classes.map((_, k) => (k === c ? 1 : 0)))); // (120, 3)
console.log(`train ${trainCodes.length}, test ${testCodes.length} (every fifth flower)`);

const accuracy = (name, predicted) => {
  const p = predicted.toArray();
  const right = p.filter((c, i) => c === testCodes[i]).length;
  console.log(`${name}: test accuracy ${right}/${p.length} = ${((100 * right) / p.length).toFixed(1)}%`);
};

// Least squares: one linear score per class, fitted to the one-hot targets; predict the best score.
const withBias = (t) => concat([t, ones([t.shape[0], 1])], 1);
const xs = split(x);
const { x: w } = linalg.lstsq(withBias(xs.train), oneHot); // (5, 3): a column per class
accuracy('least squares, one-vs-rest, 4 measurements', withBias(xs.test).matmul(w).argmax(1));
console.log(`weights (rows: 4 measurements and the bias; columns: classes):\n${w.toString()}`);

// Nearest centroid: each class's mean measurement (one-hot.T @ x / class sizes); predict the closest.
const nearestCentroid = (train, test) => {
  const centroids = oneHot.T.matmul(train).div(oneHot.sum(0).reshape(-1, 1));
  return distance.cdist(test, centroids, 'sqeuclidean').argmin(1);
};
accuracy('nearest centroid, 4 measurements', nearestCentroid(xs.train, xs.test));

// The same with the two petal measurements only, chosen by name.
const petals = split(readCsv(file, { header: true, columns: ['petal_length', 'petal_width'], labels: 'species' }).data);
accuracy('nearest centroid, petal_length and petal_width', nearestCentroid(petals.train, petals.test));
