import { createSlackClient } from '../../../src/slack/slack-api';
import { sendReply } from '../../../src/slack/reply';
import { startFakeSlack } from '../../fakes/slack-api';

describe('what Rewind sends to Slack', () => {
  it('never carries a connection-string password or a token, on the Web API or a response_url', async () => {
    const fake = await startFakeSlack();
    try {
      const client = createSlackClient({ token: fake.token, apiUrl: fake.apiUrl });
      const leaky = 'restore failed: could not connect to postgres://app:hunter2-pw@db.internal:5432/shop (token xoxb-123456789012-abcdefghijkl)';
      const channel = 'C0DRLEAK01';
      fake.slack.workspace.addChannel({ id: channel, name: 'dr-leak' });
      fake.slack.workspace.addUser({ id: 'U0ALICE001', name: 'alice' });
      await client.chat.postMessage({ channel, text: leaky, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: leaky } }] });
      const responseUrl = fake.slack.createResponseUrl(channel, 'U0ALICE001');
      await sendReply({ client, responseOrigins: [new URL(fake.url).origin], countError: () => undefined, warn: () => undefined }, { user: 'U0ALICE001', channel, responseUrl }, { text: leaky });
      const seen = JSON.stringify([fake.slack.messages(channel), fake.slack.ephemerals('U0ALICE001')]);
      expect(seen).toContain('could not connect to postgres://app:');
      expect(seen).not.toContain('hunter2-pw');
      expect(seen).not.toContain('xoxb-123456789012-abcdefghijkl');
    } finally {
      await fake.close();
    }
  });
});
