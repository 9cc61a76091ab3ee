import { expect, test } from '@playwright/test';
import { closeAll, connected, dialogPair, message, send } from './helpers';

test('offline: messages missed while away show once each, in order, after coming back', async ({ browser }) => {
  const { alice, bob } = await dialogPair(browser, 'before');

  await bob.context.setOffline(true);
  await expect(bob.page.getByRole('status')).toContainText('Offline');
  const missed = Array.from({ length: 6 }, (_, i) => `while away ${i + 1}`);
  for (const text of missed) await send(alice.page, text);
  await expect(message(alice.page, 'while away 6')).toBeVisible();
  // Nothing arrives while offline.
  await expect(message(bob.page, 'while away 1')).toHaveCount(0);

  // A message Bob writes while offline waits and goes when he is back (same clientMessageId: never twice).
  await send(bob.page, 'typed offline');
  await expect(bob.page.locator('.message.pending', { hasText: 'typed offline' })).toBeVisible();

  await bob.context.setOffline(false);
  await connected(bob.page);
  await expect(bob.page.locator('.message[data-message-id] .text')).toHaveText(['before', ...missed, 'typed offline']);
  await expect(message(alice.page, 'typed offline')).toHaveCount(1);
  await expect(bob.page.locator('.message.pending')).toHaveCount(0);

  await closeAll(alice, bob);
});

test('a live event lost on the way is noticed by the gap in its chat seq and caught up', async ({ browser }) => {
  const { alice, bob } = await dialogPair(browser, 'first');

  // Bob's read of it has gone out (Alice sees ✓✓), so no event of this chat is still on its way to Bob.
  await expect(message(alice.page, 'first').locator('.ticks')).toHaveAttribute('aria-label', 'read');

  // Bob's connection to the SignalR service passes through here; the one frame carrying "lost on the way" is dropped.
  let dropped = 0;
  await bob.page.routeWebSocket(/\/client\/\?hub=chat/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((frame) => server.send(frame));
    server.onMessage((frame) => {
      const text = typeof frame === 'string' ? frame : frame.toString();
      const kept = text.split('\x1e').filter((part) => {
        if (!part.includes('"message.created"') || !part.includes('lost on the way')) return true;
        dropped++;
        return false;
      });
      ws.send(kept.join('\x1e'));
    });
  });
  await bob.page.reload();
  await connected(bob.page);
  // Even the first live event after a load may be the lost one: the chat list's eventSeq is where counting starts.
  await expect(bob.page.locator('.chat-row', { hasText: 'Alice' })).toBeVisible();
  await expect(message(bob.page, 'first')).toBeVisible();
  await send(alice.page, 'lost on the way');
  await expect.poll(() => dropped).toBe(1);
  await send(alice.page, 'the next one');
  // The next event's seq skips one: Bob's client waits briefly, then catches up from GET /api/updates.
  await expect(bob.page.locator('.message[data-message-id] .text')).toHaveText(['first', 'lost on the way', 'the next one']);
  await closeAll(alice, bob);
});
