import { blocksTextLength, validateBlocks, validateView } from '../../../src/console/block-kit-validator';

const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });
const plain = (text: string) => ({ type: 'plain_text', text });

describe('validateBlocks', () => {
  it('accepts an empty list and the blocks Rewind renders', () => {
    expect(validateBlocks([], 'message')).toEqual([]);
    expect(
      validateBlocks(
        [
          { type: 'header', text: plain('PITR orders-db'), block_id: 'h' },
          { type: 'section', text: mrkdwn('*Step 1*'), accessory: { type: 'image', image_url: 'https://x/i.png', alt_text: 'ok' } },
          { type: 'context', elements: [mrkdwn('RTO'), plain('12 min')] },
          { type: 'input', label: plain('Why?'), element: { type: 'plain_text_input', multiline: true }, optional: true },
        ],
        'message',
      ),
    ).toEqual([]);
  });

  it('lists every problem, each with its JSON pointer', () => {
    const problems = validateBlocks(
      [
        { type: 'section', fields: Array.from({ length: 11 }, () => mrkdwn('f')) },
        { type: 'context', elements: Array.from({ length: 11 }, () => mrkdwn('c')) },
        { type: 'section', fields: [mrkdwn('x'.repeat(2001))] },
        { type: 'actions', elements: [{ type: 'static_select' }] },
        { type: 'section', text: { type: 'plain_text', text: '', verbatim: true } },
        'not a block',
      ],
      'message',
    );
    expect(problems).toEqual([
      'no more than 10 items allowed [json-pointer:/blocks/0/fields]',
      'no more than 10 items allowed [json-pointer:/blocks/1/elements]',
      'must be less than 2001 characters [json-pointer:/blocks/2/fields/0/text]',
      'failed to match all allowed schemas (element types here: button) [json-pointer:/blocks/3/elements/0]',
      'unsupported field: verbatim [json-pointer:/blocks/4/text/verbatim]',
      'must be more than 0 characters [json-pointer:/blocks/4/text/text]',
      'must provide an object [json-pointer:/blocks/5]',
    ]);
  });

  it('allows 100 blocks in a modal but 50 in a message', () => {
    const blocks = Array.from({ length: 100 }, () => ({ type: 'divider' }));
    expect(validateBlocks(blocks, 'modal')).toEqual([]);
    expect(validateBlocks(blocks, 'message')).toEqual(['no more than 50 items allowed [json-pointer:/blocks]']);
    expect(validateBlocks({}, 'message')).toEqual(['must provide an array [json-pointer:/blocks]']);
  });
});

describe('blocksTextLength', () => {
  it('counts the text of every text object, nested ones included', () => {
    const blocks = [
      { type: 'header', text: plain('abc') },
      { type: 'section', text: mrkdwn('de'), fields: [mrkdwn('f')], accessory: { type: 'button', text: plain('gh'), value: 'not text' } },
    ];
    expect(blocksTextLength(blocks)).toBe(8);
  });
});

describe('validateView', () => {
  it('requires a modal with a title', () => {
    expect(validateView({ type: 'home', blocks: [] })).toEqual([
      'must be one of: modal [json-pointer:/view/type]',
      'missing required field [json-pointer:/view/title]',
    ]);
    expect(validateView('{}')).toEqual(['must provide an object [json-pointer:/view]']);
  });
});
