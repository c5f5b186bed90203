// The catcher must outlive its clients: a sender killed mid-message (the chaos run SIGKILLs an app
// instance) resets its connection, and smtp-server re-emits that ECONNRESET on the server object.
import net from 'node:net';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import nodemailer from 'nodemailer';
import { startSmtpCatcher, type SmtpCatcher } from '../../src/email/smtp-catcher.ts';

let catcher: SmtpCatcher | undefined;
afterEach(async () => {
  await catcher?.close();
  catcher = undefined;
});

/** Opens a session, starts a message, then hangs up with a TCP reset, as a killed process does. */
async function resetMidMessage(port: number): Promise<void> {
  const socket = net.connect(port, '127.0.0.1');
  let seen = '';
  socket.on('data', (chunk) => (seen += chunk.toString()));
  const waitFor = async (code: string) => {
    while (!seen.includes(code)) await once(socket, 'data');
  };
  const say = async (line: string, code: string) => {
    seen = '';
    socket.write(`${line}\r\n`);
    await waitFor(code);
  };
  await waitFor('220 ');
  await say('EHLO killed.test', '250 ');
  await say('MAIL FROM:<a@donate.test>', '250 ');
  await say('RCPT TO:<b@donate.test>', '250 ');
  await say('DATA', '354 ');
  socket.write('Subject: half a receipt\r\n\r\nThe sender dies he');
  // Let the half message reach the server: a reset discards whatever is still unsent.
  await new Promise((resolve) => setTimeout(resolve, 50));
  socket.resetAndDestroy();
  await once(socket, 'close');
}

describe('smtp catcher', () => {
  it('keeps serving after a client resets its connection mid-message', async () => {
    const errors: Array<Error & { code?: string }> = [];
    catcher = await startSmtpCatcher({ onError: (error) => errors.push(error) });
    await resetMidMessage(catcher.port);
    await resetMidMessage(catcher.port);
    // Give the server's side of the reset a turn of the event loop to surface as an 'error'.
    await new Promise((resolve) => setTimeout(resolve, 50));

    const transport = nodemailer.createTransport({ url: catcher.url } as never);
    await transport.sendMail({ from: 'a@donate.test', to: 'b@donate.test', subject: 'after', text: 'still here' });
    transport.close();
    expect(catcher.messages).toHaveLength(1);
    expect(catcher.messages[0]!.raw).toContain('still here');
    // ...and the resets were reported, for the app to log, not swallowed.
    expect(errors.map((e) => e.code)).toContain('ECONNRESET');
  });
});
