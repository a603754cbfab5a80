/**
 * The Feishu stand-in: a local server that answers Feishu's Open API like Feishu does (docs/feishu.md)
 * and builds the events and callbacks Feishu pushes. Product code: sandbox mode runs it in-process;
 * the tests' fake (test/fake-feishu) builds on it. Plain Node, no console output.
 */
export { FakeFeishu, type FakeFeishuOptions, type CallFilter, type FakeStats } from './server';
export * from './inbound';
export * as feishuCrypto from './crypto';
export type { Fault, FaultSpec } from './faults';
export type { LimitStats } from './limits';
export type * from './types';
