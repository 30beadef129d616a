// A two-layer network's forward pass on a batch: sigmoid(W1 x + b1), then softmax(W2 h + b2).
// node examples/neural-network.mjs
import { randn, zeros } from 'tensorblas';

const batch = 64;
const [inputs, hidden, classes] = [784, 128, 10];

// Weights stored as (in, out) so a batch of row vectors multiplies from the left: x @ W.
const w1 = randn([inputs, hidden], { seed: 1 }).mul(Math.sqrt(1 / inputs));
const b1 = zeros([hidden]);
const w2 = randn([hidden, classes], { seed: 2 }).mul(Math.sqrt(1 / hidden));
const b2 = zeros([classes]);
const x = randn([batch, inputs], { seed: 3 });

const h = x.matmul(w1).add(b1).sigmoid(); // (64, 128); b1 broadcasts over the batch
const logits = h.matmul(w2).add(b2); // (64, 10)
const probs = logits.softmax(-1);

console.log(`hidden activations: shape [${h.shape}], mean ${h.mean().toFixed(4)}`);
console.log(`output probabilities: shape [${probs.shape}], each row sums to ${probs.sum(1).max().toFixed(6)}`);
console.log(`predicted classes of the first 8 inputs: [${probs.argmax(1).slice([0, 8]).toArray()}]`);
