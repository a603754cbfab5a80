/**
 * Feishu's error vocabulary as the fake answers it. Codes marked ⚠ are not in the sources of docs/feishu.md;
 * they are the closest documented code we could find, kept here so one edit fixes them everywhere.
 */

let logSeq = 0;

/** Shaped like Feishu's log ids (`20240911085251BEA8869709BAD4373B10`): a timestamp then hex. */
export function logId(at: number): string {
  const stamp = new Date(at).toISOString().replace(/\D/g, '').slice(0, 14);
  return stamp + (++logSeq).toString(16).toUpperCase().padStart(20, '0');
}

export class FeishuError extends Error {
  constructor(
    readonly code: number,
    msg: string,
    readonly httpStatus = 400,
    readonly headers: Record<string, string> = {},
    /** Body without the `error.log_id` envelope (the gateway's rate-limit answer has none). */
    readonly bare = false,
  ) {
    super(msg);
  }
}

/** Feishu's 230001 wording: `…, ext=<what was wrong>.` (from its troubleshooting page). */
export const invalidParam = (ext: string) =>
  new FeishuError(230001, `Your request contains an invalid request parameter, ext=${ext}.`);

/** Field-level validation failure of the gateway (missing query/body fields). */
export const fieldValidation = (field: string) =>
  new FeishuError(99992402, `field validation failed: ${field}`);

export const invalidToken = () =>
  new FeishuError(99991663, 'Invalid access token for authorization');

export const errors = {
  botNotInChat: () => new FeishuError(230002, 'Bot/User can NOT be out of the chat.'),
  outOfScope: () =>
    new FeishuError(230013, "Bot has NO availability to this user."),
  tooLong: (what: string) => new FeishuError(230025, `The content of the message is too long: ${what}.`),
  chatFrequency: () => new FeishuError(230020, 'This operation triggers the frequency limit.'),
  dissolved: () => new FeishuError(232009, 'Your request specifies a chat which has already been dissolved.'),
  card: (sub: number, detail: string) =>
    new FeishuError(230099, `Failed to create card content, ext=ErrCode: ${sub}; ErrMsg: ${detail}`),
  /** ⚠ The patch page names the rule (sender must be the caller) but not its code; 230027 is "no permission". */
  notSender: () => new FeishuError(230027, 'Lack of necessary permissions: only the sender may update this message.'),
  /** ⚠ Code for "older than 14 days" is undocumented in our sources; chosen by the brief. */
  tooOld: () => new FeishuError(230031, 'The message can only be updated within 14 days of sending.'),
  /** ⚠ Delayed-update token failures have no documented code; 230001-style with the reason. */
  badCardToken: (why: string) => invalidParam(`invalid card update token (${why})`),
  /** ⚠ Image/file API codes (234xxx family) are not in docs/feishu.md; closest guesses. */
  mediaParam: (why: string) => new FeishuError(234001, `Invalid request param: ${why}.`),
  mediaTooBig: () => new FeishuError(234006, 'The file size exceeds the limit.'),
  resourceMissing: () => new FeishuError(234003, 'File not in msg.'),
  resourceOfCard: () => new FeishuError(234043, 'Unsupported message type for resource download.'),
  /** ⚠ Unknown chat id in the chat API; the 232xxx family is Feishu's chat service. */
  chatNotFound: () => new FeishuError(232011, 'Chat not found or the operator is not in the chat.'),
  /** ⚠ Wrong app_id / app_secret: 10003 / 10014 per Feishu's auth error table (docs/feishu.md#the-tenant-token). */
  badAppId: () => new FeishuError(10003, 'invalid param: app_id'),
  badAppSecret: () => new FeishuError(10014, 'app secret invalid'),
  badRequest: () => new FeishuError(9499, 'Bad Request'),
  notFound: () => new FeishuError(404, '404 page not found', 404, {}, true),
};

/** HTTP 429 as the gateway sends it (docs/feishu.md#rate-limits). */
export function gatewayRateLimit(limit: number, resetSec: number): FeishuError {
  return new FeishuError(
    99991400,
    'request trigger frequency limit',
    429,
    { 'x-ogw-ratelimit-limit': String(limit), 'x-ogw-ratelimit-reset': String(resetSec) },
    true,
  );
}

export function errorBody(err: FeishuError, at: number): Record<string, unknown> {
  const body: Record<string, unknown> = { code: err.code, msg: err.message };
  if (!err.bare) body.error = { log_id: logId(at) };
  return body;
}
