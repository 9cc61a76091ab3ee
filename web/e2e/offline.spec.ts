import { expect, test } from '@playwright/test';
import { connected, message, openChat, openDialog, send, signUp } from './helpers';

test('offline: messages missed while away show once each, in order, after coming back', async ({ browser }) => {
  const alice = await signUp(browser, 'Alice');
  const bob = await signUp(browser, 'Bob');
  await openDialog(alice, bob);
  await send(alice.page, 'before');
  await openChat(bob, 'Alice');
  await expect(message(bob.page, 'before')).toBeVisible();

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

  await alice.context.close();
  await bob.context.close();
});
