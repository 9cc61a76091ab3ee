using DistaHilar.Core.Common;
using DistaHilar.Core.Messages;
using DistaHilar.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace DistaHilar.Tests.Messages;

/// <summary>
/// Core's read pointer (<c>POST …/read</c>) against the real database (through PgBouncer), counting what goes to
/// PostgreSQL: the member check, the message's seq, the forward-only move and the chat's last seq are one statement
/// in autocommit; the unread count is a second query only while the reader is still behind.
/// </summary>
public sealed class ReadPointerStatementTests(TestEnvironment env)
{
    [Fact]
    public async Task A_read_is_one_statement_and_counts_what_is_unread_only_when_behind()
    {
        var ct = TestContext.Current.CancellationToken;
        var transactions = new TransactionCounter();
        await using var provider = InProcessCore.Build(await env.ServersAsync(), transactions);
        var (alice, bob, chatId, first) = await InProcessCore.GroupWithMessageAsync(provider, ct);
        var stranger = await InProcessCore.NewUserAsync(provider, null, ct);
        Guid second, third;
        await using (var scope = provider.CreateAsyncScope())
        {
            var messages = scope.ServiceProvider.GetRequiredService<MessageService>();
            second = (await messages.SendAsync(alice, chatId, new SendMessageRequest("m2", "second", null, null), ct)).Value.Message.Id;
            third = (await messages.SendAsync(alice, chatId, new SendMessageRequest("m3", "third", null, null), ct)).Value.Message.Id;
        }

        Task<(Result<ReadState> Result, int Commands, int Transactions)> ReadAsync(Caller reader, Guid upTo) =>
            RoundTrips.CountAsync<MessageService, Result<ReadState>>(provider, transactions, m => m.ReadAsync(reader, chatId, new ReadRequest(upTo), ct));

        var behind = await ReadAsync(bob, first);
        var caughtUp = await ReadAsync(bob, third);
        var backwards = await ReadAsync(bob, second);
        var outsider = await ReadAsync(stranger, third);
        var unknown = await ReadAsync(bob, Guid.NewGuid());

        Assert.Equal((2, 0), (behind.Commands, behind.Transactions)); // the move, then the unread count
        Assert.All([caughtUp, backwards, outsider, unknown], r => Assert.Equal((1, 0), (r.Commands, r.Transactions)));
        Assert.Equal((1L, 2), (behind.Result.Value!.ReadSeq, behind.Result.Value.UnreadCount));
        Assert.Equal((3L, 0), (caughtUp.Result.Value!.ReadSeq, caughtUp.Result.Value.UnreadCount));
        Assert.Equal((3L, 0), (backwards.Result.Value!.ReadSeq, backwards.Result.Value.UnreadCount)); // forward only
        Assert.Equal(ProblemKind.NotFound, outsider.Result.Problem?.Kind);
        Assert.Equal(ProblemKind.NotFound, unknown.Result.Problem?.Kind);
    }
}
