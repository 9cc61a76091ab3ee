import { expect, test } from '@playwright/test';
import { closeAll, composer, createGroup, message, openChat, openDialog, report, screenshot, send, signUp } from './helpers';

test('a dialog: delivery, typing, read receipts, reactions, edits, replies and deletion propagate', async ({ browser }) => {
  const alice = await signUp(browser, 'Alice');
  const bob = await signUp(browser, 'Bob');
  await openDialog(alice, bob);

  // Bob sees the dialog appear live when the first message arrives, and opens it.
  await send(alice.page, 'Hello Bob');
  await expect(bob.page.locator('.chat-row', { hasText: 'Alice' })).toContainText('Hello Bob');
  await expect(bob.page.locator('.chat-row', { hasText: 'Alice' }).getByLabel('unread')).toHaveText('1');
  await openChat(bob, 'Alice');
  await expect(message(bob.page, 'Hello Bob')).toBeVisible();

  // Read receipt: Bob has the chat open, so Alice's ✓ becomes ✓✓.
  await expect(message(alice.page, 'Hello Bob').locator('.ticks')).toHaveAttribute('aria-label', 'read');

  // Typing indicator.
  await composer(bob.page).pressSequentially('Hi', { delay: 30 });
  await expect(alice.page.getByTestId('chat-subtitle')).toHaveText('typing…');
  const bobsRow = alice.page.locator('.chat-row', { hasText: 'Bob' });
  await expect(bobsRow.locator('.preview em')).toHaveText('typing…');
  // Not renewed, the indicator goes by itself (6 s), in the header and in the chat list alike.
  await expect(alice.page.getByTestId('chat-subtitle')).toHaveText('online', { timeout: 10_000 });
  await expect(bobsRow.locator('.preview em')).toHaveCount(0);

  // Delivery time, typed in one page to shown in the other, over several messages.
  const times: number[] = [];
  for (let i = 1; i <= 5; i++) {
    const text = `ping ${i}`;
    await composer(alice.page).fill(text);
    const started = Date.now();
    await composer(alice.page).press('Enter');
    // Polled every 5 ms in the page itself, so the figure is the delivery, not the test's polling interval.
    await bob.page.waitForFunction(
      (t) => [...document.querySelectorAll('.message[data-message-id] .text')].some((e) => e.textContent === t),
      text,
      { polling: 5 },
    );
    times.push(Date.now() - started);
  }
  times.sort((a, b) => a - b);
  report('delivery_median_ms', times[2]!, 'ms');
  report('delivery_max_ms', times[4]!, 'ms');

  // Every message shows once, in order.
  await expect(bob.page.locator('.message[data-message-id] .text')).toHaveText(['Hello Bob', 'ping 1', 'ping 2', 'ping 3', 'ping 4', 'ping 5']);

  // Reactions: Bob reacts, Alice sees the count.
  await message(bob.page, 'ping 3').locator('.bubble').click();
  await bob.page.getByRole('menuitem', { name: 'React 👍' }).click();
  await expect(message(alice.page, 'ping 3').locator('.reaction')).toContainText('👍 1');
  await expect(message(bob.page, 'ping 3').locator('.reaction.mine')).toBeVisible();

  // Edits: Alice edits, Bob sees the new text marked edited.
  await message(alice.page, 'ping 2').locator('.bubble').click();
  await alice.page.getByRole('menuitem', { name: 'Edit' }).click();
  await composer(alice.page).fill('ping 2 (fixed)');
  await composer(alice.page).press('Enter');
  await expect(message(bob.page, 'ping 2 (fixed)')).toContainText('edited');

  // Replies quote the original.
  await message(bob.page, 'ping 4').locator('.bubble').click();
  await bob.page.getByRole('menuitem', { name: 'Reply' }).click();
  await send(bob.page, 'answering four');
  await expect(message(alice.page, 'answering four').locator('.reply-quote')).toHaveText('ping 4');

  // Forwards: Bob forwards Alice's first ping into the same dialog; the copy names her.
  await message(bob.page, 'ping 1').locator('.bubble').click();
  await bob.page.getByRole('menuitem', { name: 'Forward' }).click();
  await bob.page.getByRole('dialog', { name: 'Forward' }).getByRole('button', { name: 'Alice' }).click();
  await expect(alice.page.locator('.message[data-message-id]', { has: alice.page.locator('.forwarded') })).toContainText('ping 1');
  await expect(alice.page.locator('.forwarded')).toContainText('Alice');

  // Delete for everyone.
  await message(alice.page, 'ping 5').locator('.bubble').click();
  await alice.page.getByRole('menuitem', { name: 'Delete for everyone' }).click();
  await expect(message(bob.page, 'ping 5')).toHaveCount(0);
  await screenshot(alice.page, 'dialog');

  await closeAll(alice, bob);
});

test('a group of three: messages reach every member, with sender names', async ({ browser }) => {
  const alice = await signUp(browser, 'Alice');
  const bob = await signUp(browser, 'Bob');
  const carol = await signUp(browser, 'Carol');
  await createGroup(alice, 'Weekend plans', [bob, carol]);
  // A mention: Bob's chat list shows it before he opens the group, and the text highlights it.
  await send(alice.page, `@${bob.username} are you in?`);
  const row = bob.page.locator('.chat-row', { hasText: 'Weekend plans' });
  await expect(row.getByLabel('mentions')).toBeVisible();
  await expect(row.getByLabel('unread')).toHaveText('1');
  await openChat(bob, 'Weekend plans');
  await expect(message(bob.page, 'are you in?').locator('.mention')).toHaveText(`@${bob.username}`);
  await expect(row.getByLabel('unread')).toHaveCount(0);
  await openChat(carol, 'Weekend plans');

  await send(alice.page, 'Hiking on Saturday?');
  await expect(message(bob.page, 'Hiking on Saturday?')).toBeVisible();
  // Consecutive messages of one sender show the name once, on the first.
  await expect(message(carol.page, 'are you in?').locator('.sender')).toHaveText('Alice');
  await expect(message(carol.page, 'Hiking on Saturday?').locator('.sender')).toHaveCount(0);
  await send(carol.page, 'Count me in');
  await expect(message(alice.page, 'Count me in')).toBeVisible();
  await expect(message(bob.page, 'Count me in')).toBeVisible();
  await expect(bob.page.getByTestId('chat-subtitle')).toHaveText('3 members');
  await screenshot(carol.page, 'group');

  await closeAll(alice, bob, carol);
});

test('history loads older pages when scrolled back, keeping order and no duplicates', async ({ browser }) => {
  const alice = await signUp(browser, 'Alice');
  const bob = await signUp(browser, 'Bob');
  await openDialog(alice, bob);
  const texts = Array.from({ length: 45 }, (_, i) => `line ${String(i + 1).padStart(2, '0')}`);
  for (const text of texts) await send(alice.page, text);
  await expect(message(alice.page, 'line 45')).toBeVisible();
  await expect(alice.page.locator('.message.pending')).toHaveCount(0);

  // Bob, on a fresh load, opens the dialog: the newest page (40) first.
  await bob.page.reload();
  await openChat(bob, 'Alice');
  const lines = bob.page.locator('.message[data-message-id] .text');
  await expect(lines).toHaveCount(40);
  await expect(lines.first()).toHaveText('line 06');
  // Scrolled to the top, the older page comes in above.
  await bob.page.locator('.message-list').evaluate((list) => list.scrollTo({ top: -list.scrollHeight }));
  await expect(lines).toHaveText(texts);
  await closeAll(alice, bob);
});
