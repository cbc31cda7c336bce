/**
 * A replica of the GAN trainer on a worker thread (started by ./parallel-trainer.ts): builds the
 * same GanTrainer with its rank, then for each message: `sync` takes rank 0's weights, optimiser
 * state and step; `step` restores rank 0's random stream and runs one step on its share of the
 * batch in shared memory, in lock-step with the others. An error marks the group failed (the
 * others throw instead of waiting) and is reported to the parent.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from './backend';
import { GanTrainer } from '../trainer';
import { Rng } from '../rng';
import { SharedCollective } from './shared-collective';
import type { FromReplica, ReplicaWorkerData, ToReplica, WireTensor } from './parallel-trainer';

const port = parentPort;
if (!port) throw new Error('replica-worker: not a worker thread');
const data = workerData as ReplicaWorkerData;
const post = (m: FromReplica): void => port.postMessage(m);
const named = (ws: WireTensor[]): { name: string; tensor: tf.Tensor }[] => ws.map((w) => ({ name: w.name, tensor: tf.tensor(w.data, w.shape) }));
const tensors = (ws: WireTensor[]): tf.Tensor[] => ws.map((w) => tf.tensor(w.data, w.shape));

await setupBackend('wasm');
const group = new SharedCollective(data.memory, data.rank);
const trainer = new GanTrainer(data.config, data.hyper, data.seed, undefined, group);
const batch = new Float32Array(data.batch);

async function sync(m: Extract<ToReplica, { type: 'sync' }>): Promise<void> {
  const g = tensors(m.g);
  const d = tensors(m.d);
  trainer.G.setWeights(g);
  trainer.D.setWeights(d);
  tf.dispose([...g, ...d]);
  for (const [opt, ws] of [
    [trainer.gOpt, m.gOpt],
    [trainer.dOpt, m.dOpt],
  ] as const) {
    // before its first step an optimiser has only its iteration count
    if (ws.length <= 1) continue;
    const values = named(ws);
    await opt.setWeights(values);
    // Adam wraps each given moment in a Variable sharing its data (ref-counted)
    tf.dispose(values.map((v) => v.tensor));
  }
  trainer.step = m.step;
}

port.on('message', (m: ToReplica) => {
  if (m.type === 'sync') {
    sync(m).then(
      () => post({ type: 'synced' }),
      (e: unknown) => post({ type: 'error', message: e instanceof Error ? e.message : String(e) }),
    );
    return;
  }
  try {
    trainer.rng = Rng.restore(m.rng);
    trainer.step = m.step;
    trainer.trainStep(batch);
  } catch (e) {
    group.fail();
    post({ type: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
});
post({ type: 'ready' });
