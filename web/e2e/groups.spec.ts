import { expect, test } from '@playwright/test';
import { closeAll, composer, createGroup, message, openChat, screenshot, send, signUp } from './helpers';

test('a group owner shares an invite link, promotes and removes members; a member mutes the group', async ({ browser }) => {
  const alice = await signUp(browser, 'Alice');
  const bob = await signUp(browser, 'Bob');
  const carol = await signUp(browser, 'Carol');
  await createGroup(alice, 'Book club', [bob]);

  // Alice makes an invite link; Carol joins with it and writes.
  await alice.page.getByRole('button', { name: 'Book club: Members' }).click();
  const info = alice.page.locator('.chat-info');
  await info.getByRole('button', { name: 'New invite link' }).click();
  const link = await info.getByRole('textbox', { name: 'Invite link' }).inputValue();
  expect(link).toMatch(/\/join\/[A-Za-z0-9_-]{22}$/);
  await carol.page.goto(link);
  await carol.page.getByRole('button', { name: 'Join' }).click();
  await expect(carol.page.locator('.chat-header h2')).toHaveText('Book club');
  await send(carol.page, 'Thanks for the invite');
  await expect(message(alice.page, 'Thanks for the invite').locator('.sender')).toHaveText('Carol');
  await expect(info.locator('.members li')).toHaveCount(3);
  await screenshot(alice.page, 'group-info');

  // Bob becomes a moderator: he may now pin others' messages.
  await info.getByRole('combobox', { name: 'Role Bob' }).selectOption('moderator');
  await expect(info.locator('.members li', { hasText: 'Bob' })).toContainText('moderator');
  await openChat(bob, 'Book club');
  await bob.page.reload();
  await message(bob.page, 'Thanks for the invite').locator('.bubble').click();
  await bob.page.getByRole('menuitem', { name: 'Pin' }).click();
  await expect(alice.page.locator('.pinned-bar')).toContainText('Thanks for the invite');

  // Bob mutes the group: his chat list shows it.
  await bob.page.getByRole('button', { name: 'Book club: Members' }).click();
  await bob.page.locator('.chat-info').getByLabel('Mute').check();
  await expect(bob.page.locator('.chat-row', { hasText: 'Book club' }).getByLabel('Muted')).toBeVisible();

  // Alice removes Carol: the group leaves Carol's list, and her old link works no more once renewed.
  await info.getByRole('button', { name: 'Remove Carol' }).click();
  await expect(info.locator('.members li')).toHaveCount(2);
  await expect(carol.page.locator('.chat-row', { hasText: 'Book club' })).toHaveCount(0);

  await closeAll(alice, bob, carol);
});

test('a channel: only its owner posts, subscribers read', async ({ browser }) => {
  const alice = await signUp(browser, 'Alice');
  const bob = await signUp(browser, 'Bob');
  await alice.page.getByRole('button', { name: 'New chat' }).click();
  await alice.page.getByRole('tab', { name: 'New channel' }).click();
  await alice.page.getByLabel('Title').fill('Release notes');
  await alice.page.getByRole('button', { name: 'Create' }).click();
  await expect(alice.page.locator('.chat-header h2')).toHaveText('Release notes');
  await alice.page.getByRole('button', { name: 'Release notes: Members' }).click();
  await alice.page.getByRole('button', { name: 'New invite link' }).click();
  const link = await alice.page.getByRole('textbox', { name: 'Invite link' }).inputValue();
  await alice.page.locator('.chat-info').getByRole('button', { name: 'Back' }).click();

  await bob.page.goto(link);
  await bob.page.getByRole('button', { name: 'Join' }).click();
  await expect(bob.page.locator('.chat-header h2')).toHaveText('Release notes');
  await expect(bob.page.getByTestId('chat-subtitle')).toHaveText('2 subscribers');
  await expect(composer(bob.page)).toHaveCount(0);

  await send(alice.page, 'Version 1.0 is out');
  await expect(message(bob.page, 'Version 1.0 is out')).toBeVisible();
  await closeAll(alice, bob);
});
