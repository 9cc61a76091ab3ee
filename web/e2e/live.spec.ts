import { expect, test } from '@playwright/test';
import { closeAll, createGroup, openChat, screenshot, signUp } from './helpers';

test('a live room: a listener hears the host, raises a hand, is let speak and is heard', async ({ browser }) => {
  const alice = await signUp(browser, 'Alice');
  const bob = await signUp(browser, 'Bob');
  await createGroup(alice, 'Radio', [bob]);
  await openChat(bob, 'Radio');

  await alice.page.getByRole('button', { name: 'Start a live room' }).click();
  const aliceRoom = alice.page.getByRole('region', { name: 'Live room' });
  const bobRoom = bob.page.getByRole('region', { name: 'Live room' });
  await expect(aliceRoom.locator('.live-speakers li')).toHaveCount(1);
  await expect(bobRoom).toBeVisible();
  await bobRoom.getByRole('button', { name: 'Join' }).click();
  await expect(aliceRoom).toContainText('1 listener');

  // Bob hears Alice: sound energy arrives over the connection from him to her (Chromium's fake microphone beeps).
  await expect(bobRoom).toHaveAttribute('data-connected', '1');
  await expect(bobRoom.locator(`.live-speakers li`, { hasText: 'Alice' })).toHaveAttribute('data-heard', 'true', { timeout: 20_000 });

  await bobRoom.getByRole('button', { name: 'Raise hand' }).click();
  await expect(aliceRoom.getByRole('list', { name: 'Raised hands' })).toContainText('Bob');
  await aliceRoom.getByRole('button', { name: 'Let speak' }).click();
  // A new speaker starts muted, and unmutes himself.
  await expect(bobRoom.locator('.live-speakers li', { hasText: 'You' })).toHaveAttribute('data-muted', 'true');
  await bobRoom.getByRole('button', { name: 'Unmute' }).click();
  await expect(aliceRoom.locator('.live-speakers li', { hasText: 'Bob' })).toHaveAttribute('data-muted', 'false');
  await expect(aliceRoom.locator('.live-speakers li', { hasText: 'Bob' })).toHaveAttribute('data-heard', 'true', { timeout: 20_000 });
  await expect(bobRoom.locator('.live-speakers li', { hasText: 'Alice' })).toHaveAttribute('data-heard', 'true', { timeout: 20_000 });
  await screenshot(alice.page, 'live-room');
  // Muted, he sends silence: the sound stops arriving.
  await bobRoom.getByRole('button', { name: 'Mute' }).click();
  await expect(aliceRoom.locator('.live-speakers li', { hasText: 'Bob' })).toHaveAttribute('data-heard', 'false', { timeout: 20_000 });

  await bobRoom.getByRole('button', { name: 'Leave' }).click();
  await expect(aliceRoom.locator('.live-speakers li')).toHaveCount(1);
  await aliceRoom.getByRole('button', { name: 'End the room' }).click();
  await expect(bobRoom).toHaveCount(0);
  await expect(alice.page.getByRole('button', { name: 'Start a live room' })).toBeVisible();

  await closeAll(alice, bob);
});
