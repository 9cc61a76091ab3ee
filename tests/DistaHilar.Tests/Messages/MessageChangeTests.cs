using System.Text.Json;
using DistaHilar.Core.Chats;
using DistaHilar.Core.Common;
using DistaHilar.Core.Data;
using DistaHilar.Core.Messages;
using DistaHilar.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DistaHilar.Tests.Messages;

/// <summary>
/// Core's edits and pins against the real database (through PgBouncer), counting what goes to PostgreSQL: one read
/// and one statement in autocommit (<c>change_message</c>), which writes only what the read saw still holds; a change
/// that lost a race reads again.
/// </summary>
public sealed class MessageChangeTests(TestEnvironment env)
{
    [Fact]
    public async Task An_edit_or_a_pin_is_one_read_and_one_statement_and_a_refusal_or_a_repeat_writes_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var transactions = new TransactionCounter();
        await using var provider = InProcessCore.Build(await env.ServersAsync(), transactions);
        var (alice, bob, chatId, messageId) = await InProcessCore.GroupWithMessageAsync(provider, ct);
        var stranger = await InProcessCore.NewUserAsync(provider, null, ct);
        var seqBefore = await InProcessCore.EventSeqAsync(provider, chatId, ct);

        Task<(Result<T> Result, int Commands, int Transactions)> CountedAsync<T>(Func<MessageEdits, Task<Result<T>>> change) =>
            RoundTrips.CountAsync(provider, transactions, change);

        var edited = await CountedAsync(e => e.EditAsync(alice, chatId, messageId, new EditMessageRequest("edited once"), ct));
        var pinned = await CountedAsync(e => e.PinAsync(alice, chatId, messageId, pinned: true, ct));
        var pinnedAgain = await CountedAsync(e => e.PinAsync(alice, chatId, messageId, pinned: true, ct));
        var bobEdits = await CountedAsync(e => e.EditAsync(bob, chatId, messageId, new EditMessageRequest("not his"), ct));
        var bobUnpins = await CountedAsync(e => e.PinAsync(bob, chatId, messageId, pinned: false, ct));
        var strangerEdits = await CountedAsync(e => e.EditAsync(stranger, chatId, messageId, new EditMessageRequest("who?"), ct));
        var unknown = await CountedAsync(e => e.EditAsync(alice, chatId, Guid.NewGuid(), new EditMessageRequest("which?"), ct));

        Assert.Equal((2, 0), (edited.Commands, edited.Transactions));
        Assert.Equal((2, 0), (pinned.Commands, pinned.Transactions));
        Assert.All([pinnedAgain, bobUnpins], c => Assert.Equal((1, 0), (c.Commands, c.Transactions)));
        Assert.All([bobEdits, strangerEdits, unknown], c => Assert.Equal((1, 0), (c.Commands, c.Transactions)));
        Assert.Equal(("edited once", false), (edited.Result.Value!.Text, edited.Result.Value.Pinned));
        Assert.NotNull(edited.Result.Value.EditedAt);
        Assert.True(pinned.Result.IsSuccess && pinnedAgain.Result.IsSuccess);
        Assert.Equal(ProblemKind.Forbidden, bobEdits.Result.Problem?.Kind); // the author only
        Assert.Equal(ProblemKind.Forbidden, bobUnpins.Result.Problem?.Kind); // moderators and up, in a group
        Assert.Equal(ProblemKind.NotFound, strangerEdits.Result.Problem?.Kind);
        Assert.Equal(ProblemKind.NotFound, unknown.Result.Problem?.Kind);

        // Two changes, two numbers, two events, each the message as it was written.
        Assert.Equal(seqBefore + 2, await InProcessCore.EventSeqAsync(provider, chatId, ct));
        var seen = await UpdatesAsync(provider, chatId, ct);
        Assert.Equal([(seqBefore + 1, "edited once", false), (seqBefore + 2, "edited once", true)], seen);
        var row = await MessageAsync(provider, messageId, ct);
        Assert.Equal(("edited once", alice.UserId), (row.Text, row.PinnedBy));
    }

    [Fact]
    public async Task An_edit_waiting_for_the_chat_row_while_the_message_is_deleted_is_refused_and_writes_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var servers = await env.ServersAsync();
        var transactions = new TransactionCounter();
        await using var provider = InProcessCore.Build(servers, transactions);
        var (alice, _, chatId, messageId) = await InProcessCore.GroupWithMessageAsync(provider, ct);
        var seqBefore = await InProcessCore.EventSeqAsync(provider, chatId, ct);

        // A deletion for everyone in flight: it holds the chat row and has made the message a tombstone, not yet committed.
        var (result, commands, transactionCount) = await EditRacingAsync(
            servers, provider, transactions, alice, chatId, messageId, "too late", $"UPDATE messages SET deleted_at = now(), text = NULL WHERE id = '{messageId}'", ct);

        Assert.Equal(ProblemKind.NotFound, result.Problem?.Kind);
        Assert.Equal((3, 0), (commands, transactionCount)); // read, statement (missed), read: gone
        Assert.Equal(seqBefore, await InProcessCore.EventSeqAsync(provider, chatId, ct));
        Assert.Empty(await UpdatesAsync(provider, chatId, ct));
        var row = await MessageAsync(provider, messageId, ct);
        Assert.Equal((null, null), (row.Text, row.EditedAt));
    }

    [Fact]
    public async Task An_edit_that_a_pin_overtook_reads_again_and_its_event_has_both()
    {
        var ct = TestContext.Current.CancellationToken;
        var servers = await env.ServersAsync();
        var transactions = new TransactionCounter();
        await using var provider = InProcessCore.Build(servers, transactions);
        var (alice, _, chatId, messageId) = await InProcessCore.GroupWithMessageAsync(provider, ct);
        var seqBefore = await InProcessCore.EventSeqAsync(provider, chatId, ct);

        // A pin in flight after the edit's read: the edit's statement finds the pin state it read gone, so it reads again.
        var (result, commands, transactionCount) = await EditRacingAsync(
            servers, provider, transactions, alice, chatId, messageId, "after the pin", $"UPDATE messages SET pinned_at = now(), pinned_by = '{alice.UserId}' WHERE id = '{messageId}'", ct);

        Assert.Equal(("after the pin", true), (result.Value!.Text, result.Value.Pinned));
        Assert.Equal((4, 0), (commands, transactionCount)); // read, statement (missed), read, statement
        Assert.Equal(seqBefore + 1, await InProcessCore.EventSeqAsync(provider, chatId, ct)); // the raw pin took no number
        Assert.Equal([(seqBefore + 1, "after the pin", true)], await UpdatesAsync(provider, chatId, ct));
        var row = await MessageAsync(provider, messageId, ct);
        Assert.Equal(("after the pin", alice.UserId), (row.Text, row.PinnedBy));
    }

    [Fact]
    public async Task A_pin_by_a_moderator_demoted_while_it_waits_reads_again_and_is_refused()
    {
        var ct = TestContext.Current.CancellationToken;
        var servers = await env.ServersAsync();
        var transactions = new TransactionCounter();
        await using var provider = InProcessCore.Build(servers, transactions);
        var (_, bob, chatId, messageId) = await InProcessCore.GroupWithMessageAsync(provider, ct);
        await using (var promotion = await ChatRowHold.StartAsync(servers, chatId, ct, then: $"UPDATE chat_members SET role = {(short)ChatRole.Moderator} WHERE chat_id = '{chatId}' AND user_id = '{bob.UserId}'"))
        {
            await promotion.CommitAsync(ct);
        }

        var seqBefore = await InProcessCore.EventSeqAsync(provider, chatId, ct);

        // Bob read as a moderator, then demoted by a change that holds the chat row: his role is not the one read.
        await using var demotion = await ChatRowHold.StartAsync(servers, chatId, ct, then: $"UPDATE chat_members SET role = {(short)ChatRole.Member} WHERE chat_id = '{chatId}' AND user_id = '{bob.UserId}'");
        var pin = RoundTrips.CountAsync<MessageEdits, Result<Done>>(provider, transactions, e => e.PinAsync(bob, chatId, messageId, pinned: true, ct));
        await LockWaiters.WaitAsync(servers, "change_message(", 1, ct);
        await demotion.CommitAsync(ct);

        var (result, commands, transactionCount) = await pin;
        Assert.Equal(ProblemKind.Forbidden, result.Problem?.Kind);
        Assert.Equal((3, 0), (commands, transactionCount)); // read, statement (missed), read: no longer may
        Assert.Equal(seqBefore, await InProcessCore.EventSeqAsync(provider, chatId, ct));
        Assert.Null((await MessageAsync(provider, messageId, ct)).PinnedAt);
    }

    [Fact]
    public async Task An_edit_of_a_reply_whose_original_is_deleted_meanwhile_reads_again_and_shows_no_preview()
    {
        var ct = TestContext.Current.CancellationToken;
        var servers = await env.ServersAsync();
        var transactions = new TransactionCounter();
        await using var provider = InProcessCore.Build(servers, transactions);
        var (_, bob, chatId, original) = await InProcessCore.GroupWithMessageAsync(provider, ct);
        Guid reply;
        await using (var scope = provider.CreateAsyncScope())
        {
            var messages = scope.ServiceProvider.GetRequiredService<MessageService>();
            reply = (await messages.SendAsync(bob, chatId, new SendMessageRequest("r1", "a reply", original, null), ct)).Value.Message.Id;
            var edited = await scope.ServiceProvider.GetRequiredService<MessageEdits>().EditAsync(bob, chatId, reply, new EditMessageRequest("a reply, edited"), ct);
            Assert.Equal(original, edited.Value!.ReplyTo?.Id); // the preview, read with the message
        }

        // The original deleted for everyone after the edit's read: the preview the edit built is gone, so it reads again.
        var (result, commands, transactionCount) = await EditRacingAsync(
            servers, provider, transactions, bob, chatId, reply, "edited again", $"UPDATE messages SET deleted_at = now(), text = NULL WHERE id = '{original}'", ct);

        Assert.Equal(("edited again", null), (result.Value!.Text, result.Value.ReplyTo));
        Assert.Equal((4, 0), (commands, transactionCount)); // read, statement (missed), read, statement
        var payload = await UpdatesPayloadAsync(provider, chatId, ct);
        Assert.Equal(JsonValueKind.Null, payload[^1].GetProperty("data").GetProperty("replyTo").ValueKind);
        Assert.NotNull((await MessageAsync(provider, original, ct)).DeletedAt);
    }

    /// <summary>
    /// An edit while a transaction of the test's holds the chat row, having run <paramref name="then"/> uncommitted: the
    /// edit has read, its statement waits for the row, and the hold commits once it does.
    /// </summary>
    private static async Task<(Result<MessageView> Result, int Commands, int Transactions)> EditRacingAsync(
        Dev.LocalServers servers, ServiceProvider provider, TransactionCounter transactions, Caller caller, Guid chatId, Guid messageId, string text, string then, CancellationToken ct)
    {
        await using var hold = await ChatRowHold.StartAsync(servers, chatId, ct, then: then);
        var edit = RoundTrips.CountAsync<MessageEdits, Result<MessageView>>(provider, transactions, e => e.EditAsync(caller, chatId, messageId, new EditMessageRequest(text), ct));
        await LockWaiters.WaitAsync(servers, "change_message(", 1, ct);
        await hold.CommitAsync(ct);
        return await edit;
    }

    /// <summary>The chat's <c>message.updated</c> events in order: (seq, text, pinned).</summary>
    private static async Task<List<(long Seq, string? Text, bool Pinned)>> UpdatesAsync(ServiceProvider provider, Guid chatId, CancellationToken ct) =>
        (await UpdatesPayloadAsync(provider, chatId, ct)).Select(e => (
            e.GetProperty("seq").GetInt64(),
            e.GetProperty("data").GetProperty("text").GetString(),
            e.GetProperty("data").GetProperty("pinned").GetBoolean())).ToList();

    private static async Task<List<JsonElement>> UpdatesPayloadAsync(ServiceProvider provider, Guid chatId, CancellationToken ct)
    {
        await using var scope = provider.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DistaHilarDbContext>();
        var payloads = await db.OutboxMessages.AsNoTracking().Where(o => o.ChatId == chatId && o.Event == MessageEdits.Updated).OrderBy(o => o.Id).Select(o => o.Payload!).ToListAsync(ct);
        return payloads.Select(p => JsonDocument.Parse(p).RootElement).ToList();
    }

    private static async Task<Message> MessageAsync(ServiceProvider provider, Guid messageId, CancellationToken ct)
    {
        await using var scope = provider.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<DistaHilarDbContext>().Messages.AsNoTracking().SingleAsync(m => m.Id == messageId, ct);
    }
}
