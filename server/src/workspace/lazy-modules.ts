/**
 * Node's modules that most runs of the command line never use, each loaded when first asked for: loaded at start,
 * with the stream and network modules they bring, they cost every review 3–5 ms (a SARIF report hashes, the pool
 * starts threads, a branch review runs git, and Node 20 alone needs the code cache's hashing and `vm`).
 */
import type * as ChildProcess from 'node:child_process';
import type * as Crypto from 'node:crypto';
import type * as Vm from 'node:vm';
import type * as WorkerThreads from 'node:worker_threads';

export const childProcess = () => require('node:child_process') as typeof ChildProcess;
export const crypto = () => require('node:crypto') as typeof Crypto;
export const vm = () => require('node:vm') as typeof Vm;
export const workerThreads = () => require('node:worker_threads') as typeof WorkerThreads;
