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
/// Core's reactions against the real database (through PgBouncer), counting what goes to PostgreSQL: setting or
/// removing a reaction is one statement in autocommit (<c>react_message</c>), like a send, and only a change takes an
/// event number and writes an event.
/// </summary>
public sealed class ReactionStatementTests(TestEnvironment env)
{
    [Fact]
    public async Task A_reaction_is_one_statement_in_autocommit_and_only_a_change_takes_a_number_and_an_event()
    {
        var ct = TestContext.Current.CancellationToken;
        var transactions = new TransactionCounter();
        await using var provider = InProcessCore.Build(await env.ServersAsync(), transactions);
        var (alice, bob, chatId, messageId) = await InProcessCore.GroupWithMessageAsync(provider, ct);
        var stranger = await InProcessCore.NewUserAsync(provider, null, ct);
        var seqBefore = await InProcessCore.EventSeqAsync(provider, chatId, ct);

        Task<(Result<T> Result, int Commands, int Transactions)> CountedAsync<T>(Func<ReactionService, Task<Result<T>>> change) =>
            RoundTrips.CountAsync(provider, transactions, change);

        var bobLikes = await CountedAsync(r => r.SetAsync(bob, chatId, messageId, new ReactionRequest("👍"), ct));
        var aliceLikes = await CountedAsync(r => r.SetAsync(alice, chatId, messageId, new ReactionRequest("👍"), ct));
        var bobAgain = await CountedAsync(r => r.SetAsync(bob, chatId, messageId, new ReactionRequest("👍"), ct));
        var bobLoves = await CountedAsync(r => r.SetAsync(bob, chatId, messageId, new ReactionRequest("❤️"), ct));
        var strangerLikes = await CountedAsync(r => r.SetAsync(stranger, chatId, messageId, new ReactionRequest("👍"), ct));
        var otherMessage = await CountedAsync(r => r.SetAsync(bob, chatId, Guid.NewGuid(), new ReactionRequest("👍"), ct));
        var removed = await CountedAsync(r => r.RemoveAsync(alice, chatId, messageId, ct));

        Assert.All([bobLikes, aliceLikes, bobAgain, bobLoves, strangerLikes, otherMessage], c => Assert.Equal((1, 0), (c.Commands, c.Transactions)));
        Assert.Equal((1, 0), (removed.Commands, removed.Transactions));
        Assert.Equal([new ReactionCount("👍", 1, true)], bobLikes.Result.Value);
        Assert.Equal([new ReactionCount("👍", 2, true)], aliceLikes.Result.Value);
        Assert.Equal([new ReactionCount("👍", 2, true)], bobAgain.Result.Value);
        Assert.Equal([new ReactionCount("👍", 1, false), new ReactionCount("❤️", 1, true)], bobLoves.Result.Value); // the earlier first
        Assert.Equal(ProblemKind.NotFound, strangerLikes.Result.Problem?.Kind);
        Assert.Equal(ProblemKind.NotFound, otherMessage.Result.Problem?.Kind);
        Assert.True(removed.Result.IsSuccess);

        // Four changes, four numbers and four events, each with the counts after it and no one's own reaction marked.
        await using var check = provider.CreateAsyncScope();
        var db = check.ServiceProvider.GetRequiredService<DistaHilarDbContext>();
        Assert.Equal(seqBefore + 4, await InProcessCore.EventSeqAsync(provider, chatId, ct));
        var events = await db.OutboxMessages.AsNoTracking().Where(o => o.ChatId == chatId && o.Event == ReactionService.Updated).OrderBy(o => o.Id).Select(o => o.Payload!).ToListAsync(ct);
        var seen = events.Select(e => JsonDocument.Parse(e)).Select(e => (
            Seq: e.RootElement.GetProperty("seq").GetInt64(),
            Counts: e.RootElement.GetProperty("data").GetProperty("reactions").EnumerateArray()
                .Select(r => $"{r.GetProperty("emoji").GetString()}{r.GetProperty("count").GetInt32()}{(r.GetProperty("mine").GetBoolean() ? "!" : "")}").ToList(),
            Message: e.RootElement.GetProperty("data").GetProperty("messageId").GetGuid())).ToList();
        Assert.Equal([seqBefore + 1, seqBefore + 2, seqBefore + 3, seqBefore + 4], seen.Select(e => e.Seq));
        Assert.Equal([["👍1"], ["👍2"], ["👍1", "❤️1"], ["❤️1"]], seen.Select(e => e.Counts));
        Assert.All(seen, e => Assert.Equal(messageId, e.Message));
        Assert.Equal(["❤️"], await db.MessageReactions.AsNoTracking().Where(r => r.MessageId == messageId).Select(r => r.Emoji).ToListAsync(ct));
    }

    [Fact]
    public async Task A_member_removed_while_the_reaction_waits_for_the_chat_row_is_refused_and_nothing_is_written()
    {
        var ct = TestContext.Current.CancellationToken;
        var servers = await env.ServersAsync();
        await using var provider = InProcessCore.Build(servers);
        var (_, bob, chatId, messageId) = await InProcessCore.GroupWithMessageAsync(provider, ct);
        var seqBefore = await InProcessCore.EventSeqAsync(provider, chatId, ct);

        // A removal in flight: it holds the chat row and has deleted Bob's membership, not yet committed.
        await using var removal = await ChatRowHold.StartAsync(servers, chatId, ct, removing: bob.UserId);

        await using var scope = provider.CreateAsyncScope();
        var react = scope.ServiceProvider.GetRequiredService<ReactionService>().SetAsync(bob, chatId, messageId, new ReactionRequest("👍"), ct);
        await LockWaiters.WaitAsync(servers, "react_message(", 1, ct);
        await removal.CommitAsync(ct);

        var result = await react;
        Assert.Equal(ProblemKind.NotFound, result.Problem?.Kind);
        await using var check = provider.CreateAsyncScope();
        var db = check.ServiceProvider.GetRequiredService<DistaHilarDbContext>();
        Assert.Equal(seqBefore, await InProcessCore.EventSeqAsync(provider, chatId, ct));
        Assert.False(await db.MessageReactions.AnyAsync(r => r.MessageId == messageId, ct));
        Assert.False(await db.OutboxMessages.AnyAsync(o => o.ChatId == chatId && o.Event == ReactionService.Updated, ct));
    }
}
