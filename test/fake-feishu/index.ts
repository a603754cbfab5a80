/**
 * Public surface of the tests' Feishu fake: the stand-in server and its inbound builders/signing and
 * model types (product code, src/sandbox/feishu-stand-in), plus what only tests need: a manual clock
 * and the official SDK's client pointed at the fake.
 */
export * from '../../src/sandbox/feishu-stand-in';
export { manualClock, type ManualClock } from './clock';
export { sdkClient, sdkHttpInstance, failure, FAKE_FEISHU_DOMAIN } from './sdk-client';
