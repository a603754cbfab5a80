import fc from 'fast-check';
import { normalizeCode, parseCommand, progressWithoutCode } from '../../src/domain/commands';
import { parseDispatch } from '../../src/domain/dispatch';
import { LIMITS } from '../../src/limits';
import { ctx } from '../fixtures/dispatch/org';
import { commandText, dispatchText } from './arbitraries';

/**
 * Generated inputs against the pure parsers: whatever is written, the answer is a value (tasks, or
 * problems to show), never an exception; what is accepted is within the limits.
 */
jest.setTimeout(60_000);
const RUNS = 10_000;

describe('parseDispatch on 10,000 generated texts', () => {
  it('answers tasks within the limits or problems with words, and never throws', () => {
    const c = ctx();
    fc.assert(
      fc.property(dispatchText, (text) => {
        const r = parseDispatch(text, c);
        if (r.ok) {
          expect(r.tasks.length).toBeGreaterThan(0);
          for (const t of r.tasks) {
            expect(t.title.length).toBeGreaterThan(0);
            expect([...t.title].length).toBeLessThanOrEqual(LIMITS.titleChars);
            expect([...t.content].length).toBeLessThanOrEqual(LIMITS.requirementChars);
            expect(t.deadline).toMatch(/^\d{4}-\d{2}-\d{2}$/);
            expect(t.deadline >= '2026-11-25').toBe(true);
          }
        } else {
          expect(r.problems.length).toBeGreaterThan(0);
          for (const p of r.problems) expect(typeof p.message === 'string' && p.message.length > 0).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe('command parsing on 10,000 generated messages', () => {
  const CMDS = ['dispatch', 'my', 'query', 'progress', 'urge', 'escalate', 'stats', 'help', 'minutes', 'bulletin', 'appeal', 'usage', 'unknown'];
  it('every text is one command, a usage hint or unknown; codes are normalised; percents are 0–100', () => {
    fc.assert(
      fc.property(commandText, (text) => {
        const cmd = parseCommand(text);
        expect(CMDS).toContain(cmd.cmd);
        if ('code' in cmd) expect(cmd.code).toMatch(/^DB-\d{4}-\d{4,6}$/);
        if (cmd.cmd === 'progress') expect(cmd.percent >= 0 && cmd.percent <= 100).toBe(true);
        if (cmd.cmd === 'usage') expect(cmd.message.length).toBeGreaterThan(0);
        const said = progressWithoutCode(text);
        if (said && 'percent' in said && said.percent !== undefined) expect(said.percent >= 0 && said.percent <= 100).toBe(true);
        const code = normalizeCode(text);
        if (code !== null) expect(code).toMatch(/^DB-\d{4}-\d{4,6}$/);
      }),
      { numRuns: RUNS },
    );
  });
});
