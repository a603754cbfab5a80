import { inspectCard } from '../../src/cards/limits';
import { buildSample, listSamples, SAMPLE_BUILDERS, sampleCardName } from '../../src/cards/samples';

/** Every sample in cards/samples renders, passes the card limits, and is pinned by a snapshot. */
const samples = listSamples();

test('there is a sample for every card builder', () => {
  const used = new Set(samples.map(sampleCardName));
  expect(Object.keys(SAMPLE_BUILDERS).filter((card) => !used.has(card))).toEqual([]);
});

describe.each(samples)('sample %s', (name) => {
  const card = buildSample(name);

  test('passes checkCard', () => {
    expect(inspectCard(card).problems).toEqual([]);
  });

  test('every card carries update_multi, fill width and a summary', () => {
    expect(card.config).toMatchObject({ update_multi: true, width_mode: 'fill', summary: { content: expect.any(String) } });
  });

  test('matches the snapshot', () => {
    expect(card).toMatchSnapshot();
  });
});
