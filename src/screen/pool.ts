/**
 * A small pool of worker threads (node:worker_threads) that runs independent tasks and
 * returns their results in task order, whatever order the workers finish in.
 *
 * - Each worker serves tasks one at a time (`serveTasks` on the worker side); the pool gives
 *   the next task to whichever worker is free.
 * - A worker that throws outside the task function, runs out of memory or exceeds the time
 *   limit of a task is stopped and replaced; its task gets `onFailure(task, reason)` as its
 *   result, so one bad input never stops the run. A worker that cannot even start (three in a
 *   row) is a bug: the pool rejects.
 * - Workers load compiled JavaScript (dist/), or TypeScript through tsx under the test runner
 *   (the same arrangement as analysis/bvse-parallel.ts).
 */
import { pathToFileURL } from 'node:url';
import { parentPort, Worker } from 'node:worker_threads';

export interface PoolOptions<T, R> {
  /** Absolute path of the worker module (.js, or .ts under tsx/vitest). */
  workerFile: string;
  /** Data every worker receives as `workerData`. */
  workerData?: unknown;
  /** Number of worker threads (at most one per task). */
  workers: number;
  /** Time limit per task (ms); the worker is stopped and replaced when it is exceeded. */
  timeoutMs?: number;
  /** The result recorded for a task whose worker crashed or timed out. */
  onFailure: (task: T, reason: string) => R;
  /** Called after each task with the number done so far. */
  onResult?: (task: T, result: R, done: number, total: number) => void;
}

interface TaskMessage<T> {
  id: number;
  task: T;
}
type ReplyMessage<R> = { ready: true } | { id: number; result: R };

/** Start a worker on a module; TypeScript modules are loaded through tsx. */
export function startWorker(workerFile: string, workerData?: unknown): Worker {
  if (/\.[mc]?ts$/.test(workerFile)) {
    return new Worker(
      `import(${JSON.stringify(tsxApiUrl())}).then((m) => { m.register(); return import(${JSON.stringify(pathToFileURL(workerFile).href)}); });`,
      { eval: true, workerData },
    );
  }
  return new Worker(workerFile, { workerData });
}

/** Worker side: answer each task message with `fn(task)`. Call once at the top of the worker module. */
export function serveTasks<T, R>(fn: (task: T) => R | Promise<R>): void {
  const port = parentPort;
  if (!port) throw new Error('serveTasks must run in a worker thread');
  port.on('message', (m: TaskMessage<T>) => {
    void Promise.resolve()
      .then(() => fn(m.task))
      .then((result) => port.postMessage({ id: m.id, result } satisfies ReplyMessage<R>));
  });
  port.postMessage({ ready: true } satisfies ReplyMessage<R>);
}

/** Run every task on the pool; results in task order. */
export function runPool<T, R>(tasks: readonly T[], opts: PoolOptions<T, R>): Promise<R[]> {
  const total = tasks.length;
  const results = new Array<R>(total);
  if (total === 0) return Promise.resolve(results);
  const nWorkers = Math.max(1, Math.min(Math.floor(opts.workers) || 1, total));
  return new Promise<R[]>((resolve, reject) => {
    let next = 0;
    let done = 0;
    let failedStarts = 0;
    let settled = false;
    const live = new Set<Worker>();

    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      const stops = [...live].map((w) => w.terminate());
      live.clear();
      void Promise.allSettled(stops).then(() => (err ? reject(err) : resolve(results)));
    };

    const record = (id: number, result: R) => {
      results[id] = result;
      done++;
      opts.onResult?.(tasks[id], result, done, total);
      if (done === total) finish();
    };

    const spawn = () => {
      if (settled) return;
      const w = startWorker(opts.workerFile, opts.workerData);
      live.add(w);
      let ready = false;
      let dead = false;
      let current: number | null = null;
      let timer: NodeJS.Timeout | undefined;

      const retire = () => {
        dead = true;
        clearTimeout(timer);
        live.delete(w);
        void w.terminate();
      };
      const give = () => {
        if (settled || dead) return;
        if (next >= total) {
          retire();
          return;
        }
        current = next++;
        w.postMessage({ id: current, task: tasks[current] } satisfies TaskMessage<T>);
        if (opts.timeoutMs && opts.timeoutMs > 0) {
          const limit = opts.timeoutMs;
          timer = setTimeout(() => fail(`timed out after ${(limit / 1000).toFixed(limit % 1000 ? 1 : 0)} s (worker stopped)`), limit);
        }
      };
      const fail = (reason: string) => {
        if (dead || settled) return;
        const task = current;
        current = null;
        retire();
        if (!ready) {
          if (++failedStarts >= 3) {
            finish(new Error(`worker threads fail to start: ${reason}`));
            return;
          }
        } else if (task !== null) {
          record(task, opts.onFailure(tasks[task], reason));
        }
        if (!settled && next < total) spawn();
      };

      w.on('message', (m: ReplyMessage<R>) => {
        if (dead || settled) return;
        if ('ready' in m) {
          ready = true;
          failedStarts = 0;
          give();
          return;
        }
        if (m.id !== current) return;
        clearTimeout(timer);
        current = null;
        record(m.id, m.result);
        give();
      });
      w.on('error', (e: Error) => fail(`worker crashed: ${e.message}`));
      w.on('exit', (code) => fail(`worker stopped (exit code ${code})`));
    };

    for (let k = 0; k < nWorkers; k++) spawn();
  });
}

/** tsx's register API, resolved from this module (not from the current folder), for TypeScript-source runs. */
function tsxApiUrl(): string {
  return import.meta.resolve('tsx/esm/api');
}
