import { Agent, request } from 'node:http';
import { slackSignatureHeaders } from '../src/console/signing';

/**
 * The load generator of the Slack benchmark, in its own process (as Slack is): it receives
 * rounds of request bodies over IPC, sends each round's requests at once (signed at send time),
 * and answers with the latency of each acknowledgement.
 */

interface Round {
  url: string;
  secret: string;
  bodies: string[];
}

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function send(url: string, secret: string, body: string): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body), ...slackSignatureHeaders(secret, body) } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve(performance.now() - t0) : reject(new Error(`receiver answered ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

process.on('message', (round: Round) => {
  Promise.all(round.bodies.map((b) => send(round.url, round.secret, b))).then(
    (latencies) => process.send?.({ latencies }),
    (err: Error) => process.send?.({ error: err.message }),
  );
});
process.on('disconnect', () => process.exit(0));
