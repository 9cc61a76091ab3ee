import { expect, test } from '@playwright/test';
import { closeAll, dialogPair, openDialog, send, signUp } from './helpers';

test('profile, avatar, language and last-seen privacy', async ({ browser }) => {
  const { alice, bob } = await dialogPair(browser, 'hi');
  await expect(bob.page.getByTestId('chat-subtitle')).toHaveText('online');

  // Last seen: hidden from everybody, Bob sees "last seen recently" once Alice is gone.
  await alice.page.getByRole('link', { name: 'Settings' }).click();
  await alice.page.getByLabel('Who sees my last seen').selectOption('nobody');
  await expect(alice.page.getByLabel('Who sees my last seen')).toHaveValue('nobody');

  // Avatar: an uploaded image, processed, then shown.
  const png = await alice.page.evaluate(() => {
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 64;
    const context = canvas.getContext('2d')!;
    context.fillStyle = '#e17076';
    context.fillRect(0, 0, 64, 64);
    return canvas.toDataURL('image/png').split(',')[1]!;
  });
  await alice.page.locator('.avatar-picker input[type=file]').setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: Buffer.from(png, 'base64') });
  await expect(alice.page.locator('.settings-profile .avatar img')).toBeVisible({ timeout: 30_000 });

  // Profile: a new name reaches the peer's chat list on the next load.
  await alice.page.getByLabel('Surname').fill('Liddell');
  await alice.page.getByRole('button', { name: 'Save' }).click();

  // Language: the whole interface switches to Russian and stays so after a reload.
  await alice.page.getByLabel('Language').selectOption('ru');
  await expect(alice.page.getByRole('button', { name: 'Выйти' })).toBeVisible();
  await alice.page.reload();
  await expect(alice.page.getByRole('button', { name: 'Выйти' })).toBeVisible();

  // Hidden presence sends Bob no events; opening the dialog again reads it: no longer "online", no time either.
  await alice.context.close();
  await bob.page.reload();
  await expect(bob.page.getByTestId('chat-subtitle')).toHaveText('last seen recently');
  await expect(bob.page.locator('.chat-header h2')).toHaveText('Alice Liddell');
  await closeAll(bob);
});

test('chat folders become tabs over the chat list', async ({ browser }) => {
  const alice = await signUp(browser, 'Alice');
  const bob = await signUp(browser, 'Bob');
  const carol = await signUp(browser, 'Carol');
  await openDialog(alice, bob);
  await send(alice.page, 'work stuff');
  await openDialog(alice, carol);
  await send(alice.page, 'family stuff');

  await alice.page.getByRole('link', { name: 'Settings' }).click();
  await alice.page.getByLabel('New folder').fill('Work');
  await alice.page.getByRole('checkbox', { name: 'Bob' }).check();
  await alice.page.getByRole('region', { name: 'Chat folders' }).getByRole('button', { name: 'Create' }).click();
  await expect(alice.page.getByRole('region', { name: 'Chat folders' })).toContainText('1 chat');
  await alice.page.getByRole('link', { name: 'Back' }).click();

  await alice.page.getByRole('tab', { name: 'Work' }).click();
  await expect(alice.page.locator('.chat-row')).toHaveText([/Bob/]);
  await alice.page.getByRole('tab', { name: 'All' }).click();
  await expect(alice.page.locator('.chat-row')).toHaveCount(2);

  // Search finds people, chats and messages.
  await alice.page.getByRole('searchbox', { name: 'Search' }).fill('family');
  await expect(alice.page.getByRole('region', { name: 'Messages' })).toContainText('family stuff');
  await closeAll(alice, bob, carol);
});
