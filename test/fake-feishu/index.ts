/** Public surface of the Feishu stand-in: the server, inbound builders/signing, and the model types. */
export { FakeFeishu, type FakeFeishuOptions, type CallFilter, type FakeStats } from './server';
export * from './inbound';
export * as feishuCrypto from './crypto';
export type { Fault, FaultSpec } from './faults';
export type { LimitStats } from './limits';
export type * from './types';
export { manualClock, type ManualClock } from './clock';
export { sdkClient, sdkHttpInstance, failure, FAKE_FEISHU_DOMAIN } from './sdk-client';
