import fc from 'fast-check';
import { toInbound } from '../../src/adapters/feishu/envelope';
import { verifyRequest, type VerifyOptions } from '../../src/adapters/feishu/verify';
import { OrgImportError, validateOrg } from '../../src/org';
import type { ParsedOrg, SourceEntry, TableName } from '../../src/org/source';
import { encrypt, eventSignature } from '../../src/sandbox/feishu-stand-in/crypto';
import { commandText } from './arbitraries';

/**
 * Generated inputs against the decoders in front of the domain: a webhook body (signed or not, encrypted
 * or not, shaped like an event or not) and an organisation import. The answer is a value or the typed
 * refusal (a 400/401 verdict, an OrgImportError), never another exception.
 */
jest.setTimeout(60_000);
const RUNS = 10_000;
const OPTS: VerifyOptions = { verificationToken: 'verification-token', encryptKey: 'encrypt-key-123', maxAgeMs: 300_000 };
const NOW = Date.parse('2026-12-01T02:00:00Z');

const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 12 }), commandText);
const loose = fc.oneof(text, fc.integer(), fc.constant(null), fc.boolean(), fc.array(text, { maxLength: 3 }), fc.dictionary(text, text, { maxKeys: 3 }));
const content = fc.oneof(
  fc.record({ text: loose }).map((c) => JSON.stringify(c)),
  fc.record({ image_key: loose, file_key: loose, file_name: loose }, { requiredKeys: [] }).map((c) => JSON.stringify(c)),
  fc.record({ title: loose, content: fc.array(fc.array(fc.record({ tag: fc.constantFrom('text', 'a', 'at', 'img', 'x'), text: loose, image_key: loose, user_id: loose }, { requiredKeys: [] }), { maxLength: 3 }), { maxLength: 3 }) }, { requiredKeys: [] }).map((c) => JSON.stringify({ zh_cn: c })),
  text,
);
const message = fc.record(
  {
    message_id: loose,
    chat_id: loose,
    chat_type: fc.oneof(fc.constantFrom('p2p', 'group'), loose),
    message_type: fc.oneof(fc.constantFrom('text', 'post', 'image', 'file', 'sticker'), loose),
    content: fc.oneof(content, loose),
    parent_id: loose,
    root_id: loose,
    mentions: fc.oneof(loose, fc.array(fc.record({ key: loose, id: fc.oneof(loose, fc.record({ open_id: loose })), name: loose }, { requiredKeys: [] }), { maxLength: 3 })),
  },
  { requiredKeys: [] },
);
const event = fc.oneof(
  fc.record({
    schema: fc.oneof(fc.constant('2.0'), loose),
    header: fc.record({ event_id: loose, event_type: fc.oneof(fc.constantFrom('im.message.receive_v1', 'card.action.trigger', 'im.chat.member.bot.added_v1', 'x'), loose), create_time: loose, token: fc.oneof(fc.constant('verification-token'), loose) }, { requiredKeys: [] }),
    event: fc.oneof(loose, fc.record({ message, sender: fc.record({ sender_type: fc.oneof(fc.constant('user'), loose), sender_id: fc.oneof(loose, fc.record({ open_id: loose })) }, { requiredKeys: [] }), action: fc.record({ value: loose, form_value: loose, tag: loose, name: loose }, { requiredKeys: [] }), operator: loose, context: loose, chat_id: loose }, { requiredKeys: [] })),
  }, { requiredKeys: [] }),
  fc.record({ type: fc.constantFrom('url_verification', 'event_callback'), token: fc.oneof(fc.constant('verification-token'), loose), challenge: loose, uuid: loose, event: loose }, { requiredKeys: [] }),
  fc.record({ open_message_id: loose, open_id: loose, action: fc.oneof(loose, fc.record({ value: loose, tag: loose })), token: loose }, { requiredKeys: [] }),
  fc.jsonValue(),
);

/** An event as Feishu sends it (token and id right), whatever its message or action holds. */
const wellFormed = fc.record({
  schema: fc.constant('2.0'),
  header: fc.record({ event_id: fc.string({ minLength: 1, maxLength: 8 }), event_type: fc.constantFrom('im.message.receive_v1', 'card.action.trigger', 'im.chat.member.bot.added_v1', 'x'), token: fc.constant('verification-token') }),
  event: fc.record({ message, sender: fc.record({ sender_type: fc.constant('user'), sender_id: fc.record({ open_id: loose }) }), action: fc.record({ value: loose, form_value: loose, tag: loose, name: loose }, { requiredKeys: [] }), operator: loose, context: loose }, { requiredKeys: [] }),
});

/** A body as it may arrive: arbitrary bytes, plain JSON, or encrypted; signed right, wrongly or not at all. */
const request = fc.tuple(fc.oneof({ weight: 3, arbitrary: wellFormed }, { weight: 2, arbitrary: event }), fc.constantFrom('raw', 'plain', 'encrypted', 'encrypted', 'bad-cipher'), fc.constantFrom('signed', 'signed', 'unsigned', 'wrong'), text).map(([body, how, sign, junk]) => {
  const raw =
    how === 'raw' ? junk
    : how === 'plain' ? JSON.stringify(body)
    : how === 'encrypted' ? JSON.stringify({ encrypt: encrypt(JSON.stringify(body) ?? 'null', OPTS.encryptKey!) })
    : JSON.stringify({ encrypt: Buffer.from(junk).toString('base64') });
  const ts = String(Math.floor(NOW / 1000));
  const headers: Record<string, string> = sign === 'unsigned' ? {} : { 'x-lark-request-timestamp': ts, 'x-lark-request-nonce': 'n', 'x-lark-signature': sign === 'signed' ? eventSignature(ts, 'n', OPTS.encryptKey!, raw) : 'f'.repeat(64) };
  return { raw, headers };
});

describe('webhook decoding on 10,000 generated requests', () => {
  it('verify → decode → message text: a verdict and a value, never an exception', () => {
    const seen = { event: 0, refused: 0 };
    fc.assert(
      fc.property(request, ({ raw, headers }) => {
        const v = verifyRequest(raw, headers, OPTS, NOW);
        if (!v.ok) {
          expect([400, 401]).toContain(v.status);
          seen.refused++;
          return;
        }
        if (v.kind !== 'event') return;
        seen.event++;
        const inbound = toInbound(v.body, v.dedupeKey);
        expect(['message', 'card', 'other']).toContain(inbound.type);
        if (inbound.type === 'message') {
          expect(typeof inbound.text).toBe('string');
          expect(Array.isArray(inbound.attachments)).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
    expect(seen.event).toBeGreaterThan(RUNS / 10); // the generator reaches past the signature check
    expect(seen.refused).toBeGreaterThan(RUNS / 10);
  });
});

const CODES = ['MSZ', 'ZJJ', 'G1', 'P1', 'X', ''];
const str = fc.string({ unit: 'binary', maxLength: 6 });
const scalar = fc.oneof(str, fc.integer(), fc.constant(null), fc.boolean());
const code = fc.oneof(fc.constantFrom(...CODES), str);
const unitValue = fc.record({ code, name: str, kind: fc.oneof(fc.constantFrom('township', 'street', 'department', 'other', '乡镇', '部门'), str), chatId: scalar, aliases: fc.oneof(scalar, fc.array(str, { maxLength: 2 })), fullName: scalar, active: scalar }, { requiredKeys: [] });
const role = fc.oneof(fc.constantFrom('admin', 'cityLeader', '管理员'), fc.record({ supervisor: code, official: code, position: scalar, 单位: code }, { requiredKeys: [] }), scalar);
const groupValue = fc.record({ code, name: str, kind: fc.oneof(fc.constantFrom('special', 'coordination'), str), cityLeader: code, units: fc.oneof(fc.array(code, { maxLength: 2 }), scalar), chatId: scalar }, { requiredKeys: [] });
const personValue = fc.record({ code, name: str, openId: scalar, mobile: scalar, email: scalar, roles: fc.oneof(fc.array(role, { maxLength: 2 }), scalar) }, { requiredKeys: [] });
const entries = (value: fc.Arbitrary<unknown>) => fc.option(fc.array(fc.oneof({ weight: 5, arbitrary: value }, { weight: 1, arbitrary: scalar }), { maxLength: 3 }), { nil: undefined });

describe('organisation validation on 10,000 generated imports', () => {
  it('answers a valid organisation or an OrgImportError naming the problems, never another exception', () => {
    let valid = 0;
    fc.assert(
      fc.property(entries(unitValue), entries(groupValue), entries(personValue), (units, groups, people) => {
        const tables: Partial<Record<TableName, SourceEntry[]>> = {};
        const asEntries = (vs: unknown[]): SourceEntry[] => vs.map((value, i) => ({ value, where: { file: 'org.yaml', line: i + 1 } }));
        if (units) tables.units = asEntries(units);
        if (groups) tables.groups = asEntries(groups);
        if (people) tables.people = asEntries(people);
        const source: ParsedOrg = { files: ['org.yaml'], tables };
        try {
          validateOrg(source);
          valid++;
        } catch (e) {
          expect(e).toBeInstanceOf(OrgImportError);
          expect((e as OrgImportError).problems.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: RUNS },
    );
    expect(valid).toBeGreaterThan(0);
  });
});
