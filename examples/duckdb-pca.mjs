// An embedded database and tensorblas together: DuckDB loads examples/data/iris.csv and selects
// the flowers with SQL, tensorblas runs a PCA on their measurements, and the scores go back into
// a DuckDB table for SQL to summarise.
// node examples/duckdb-pca.mjs   (@duckdb/node-api is a devDependency of tensorblas)
//
// DuckDB hands results over in chunks of typed column vectors (up to 2048 rows each); each value
// is copied once, straight into the tensor's row-major buffer. (Going through Parquet or Arrow
// would encode and decode every value on the way.)
import { fileURLToPath } from 'node:url';
import { BIGINT, DOUBLE, DuckDBDataChunk, DuckDBInstance, VARCHAR } from '@duckdb/node-api';
import { PCA, Tensor } from 'tensorblas';

const csv = fileURLToPath(new URL('./data/iris.csv', import.meta.url));
const db = await DuckDBInstance.create(':memory:', { threads: '1' });
const con = await db.connect();

await con.run(`CREATE TABLE iris AS SELECT * FROM read_csv('${csv.replaceAll("'", "''")}', header = true)`);
const MEASUREMENTS = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];
const result = await con.run(`
  SELECT rowid AS id, species, ${MEASUREMENTS.join(', ')}
  FROM iris
  WHERE species <> 'setosa'
  ORDER BY id`);
const types = result.columnTypes().map(String);
if (types.slice(2).some((t) => t !== 'DOUBLE')) throw new Error(`expected DOUBLE measurements, DuckDB read ${types}`);

// Chunks of column vectors -> one (rows x 4) float64 tensor, plus the ids and species.
const chunks = await result.fetchAllChunks();
const rows = chunks.reduce((n, c) => n + c.rowCount, 0);
const k = MEASUREMENTS.length;
const x = new Float64Array(rows * k);
const ids = [];
const species = [];
let row = 0;
for (const chunk of chunks) {
  const n = chunk.rowCount;
  const idVector = chunk.getColumnVector(0);
  const speciesVector = chunk.getColumnVector(1);
  for (let i = 0; i < n; i++) {
    ids.push(idVector.getItem(i));
    species.push(speciesVector.getItem(i));
  }
  for (let j = 0; j < k; j++) {
    const v = chunk.getColumnVector(2 + j);
    for (let i = 0; i < n; i++) x[(row + i) * k + j] = v.getItem(i);
  }
  row += n;
}
const measurements = new Tensor(x, [rows, k]);
console.log(`DuckDB selected ${rows} flowers (versicolor and virginica) x ${k} measurements`);

const pca = new PCA({ nComponents: 2 });
const scores = pca.fitTransform(measurements); // (rows, 2)
console.log(`explained variance ratio: ${pca.explainedVarianceRatio.toString()}`);
console.log(`explained variance: ${pca.explainedVariance.toString()}`);

// The scores back into DuckDB, one data chunk of at most 2048 rows at a time.
await con.run('CREATE TABLE iris_pca (id BIGINT, species VARCHAR, pc1 DOUBLE, pc2 DOUBLE)');
const appender = await con.createAppender('iris_pca');
const s = scores.toArray();
for (let start = 0; start < rows; start += 2048) {
  const end = Math.min(rows, start + 2048);
  const chunk = DuckDBDataChunk.create([BIGINT, VARCHAR, DOUBLE, DOUBLE], end - start);
  chunk.setColumns([ids.slice(start, end), species.slice(start, end), s.slice(start, end).map((r) => r[0]), s.slice(start, end).map((r) => r[1])]);
  appender.appendDataChunk(chunk);
}
appender.closeSync();

// SQL over the tensor's results.
const summary = await con.runAndReadAll(`
  SELECT species, count(*) AS n, avg(pc1) AS mean_pc1, avg(pc2) AS mean_pc2
  FROM iris_pca GROUP BY species ORDER BY species`);
for (const [name, n, mean1, mean2] of summary.getRows()) {
  console.log(`${name}: n=${n} mean pc1=${mean1.toFixed(6)} mean pc2=${mean2.toFixed(6)}`);
}
const check = await con.runAndReadAll('SELECT var_samp(pc1), var_samp(pc2) FROM iris_pca');
const [var1, var2] = check.getRows()[0];
console.log(`DuckDB var_samp of the scores: pc1=${var1.toFixed(6)} pc2=${var2.toFixed(6)} (the explained variances)`);
const joined = await con.runAndReadAll(`
  SELECT i.petal_length, p.pc1 FROM iris AS i JOIN iris_pca AS p ON i.rowid = p.id
  ORDER BY p.pc1 DESC LIMIT 1`);
const [petal, top] = joined.getRows()[0];
console.log(`largest pc1 ${top.toFixed(6)}: the flower with petal length ${petal}`);

con.closeSync();
db.closeSync();
