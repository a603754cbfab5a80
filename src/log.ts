import pino, { type Logger } from 'pino';

/**
 * Structured logs. Secrets and personal data never reach them: known secret fields are redacted, and
 * code logs open_ids and codes, never names, mobiles, emails or message text.
 */
export function createLogger(level: string, base: Record<string, unknown> = {}): Logger {
  return pino({
    level,
    base: { service: 'dudao', ...base },
    redact: {
      paths: [
        '*.appSecret',
        '*.app_secret',
        '*.encryptKey',
        '*.verificationToken',
        '*.token',
        '*.tenant_access_token',
        '*.mobile',
        '*.email',
        '*.mobiles',
        '*.emails',
        'headers.authorization',
        'req.headers.authorization',
        '*.headers.authorization',
      ],
      censor: '[redacted]',
    },
  });
}

export type { Logger };
