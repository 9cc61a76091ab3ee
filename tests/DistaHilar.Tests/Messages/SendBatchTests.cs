using DistaHilar.Core.Chats;
using DistaHilar.Core.Common;
using DistaHilar.Core.Data;
using DistaHilar.Core.Messages;
using DistaHilar.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace DistaHilar.Tests.Messages;

/// <summary>
/// Group commit for one busy chat (<see cref="SendLanes"/>), in Core against the real database: sends that queue
/// behind the chat's running send are written by one statement, each with the outcome it would have had alone.
/// A transaction on a direct connection holds the chat row, so the queue forms for certain before it is let go.
/// </summary>
public sealed class SendBatchTests(TestEnvironment env)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Sends_queued_behind_a_busy_chat_share_one_commit_and_each_gets_its_own_outcome()
    {
        var ct = TestContext.Current.CancellationToken;
        var servers = await env.ServersAsync();
        await using var provider = InProcessCore.Build(servers);
        var (alice, bob, dave) = (await NewUserAsync(provider, ct), await NewUserAsync(provider, ct), await NewUserAsync(provider, ct));
        var chatId = await NewGroupAsync(provider, alice, [bob.UserId], ct);
        var lanes = provider.GetRequiredService<SendLanes>();

        await using var hold = await ChatRowHold.StartAsync(servers, chatId, ct);

        var first = Send(provider, alice, chatId, "first", "runs alone, waiting for the chat row", ct);
        await LockWaiters.WaitAsync(servers, "send_message(", 1, ct);
        var queued = new[]
        {
            Send(provider, alice, chatId, "a2", "queued", ct),
            Send(provider, bob, chatId, "b1", "queued too", ct),
            Send(provider, alice, chatId, "a2", "queued", ct), // a racing copy of a2
            Send(provider, dave, chatId, "d1", "not a member", ct),
            Send(provider, bob, chatId, "b2", "a reply to nothing", ct, replyTo: Guid.CreateVersion7()),
        };
        await Eventually.True(() => Task.FromResult(lanes.Waiting(chatId) == queued.Length), Wait, "every send to queue behind the first");
        await hold.CommitAsync(ct);

        var alone = await first;
        var results = await Task.WhenAll(queued);
        Assert.True(alone.IsSuccess && results[0].IsSuccess && results[1].IsSuccess && results[2].IsSuccess);
        Assert.Equal(results[0].Value.Message.Id, results[2].Value.Message.Id);
        Assert.Equal(1, new[] { results[0].Value.Created, results[2].Value.Created }.Count(c => c));
        Assert.Equal(ProblemKind.NotFound, results[3].Problem?.Kind);
        Assert.Equal("replyToId", results[4].Problem?.Fields?.Keys.Single());
        Assert.Equal([1L, 2L, 3L], new[] { alone, results[0], results[1] }.Select(r => r.Value.Message.Seq).Order());

        await using var scope = provider.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DistaHilarDbContext>();
        Assert.Equal(3, await db.Messages.CountAsync(m => m.ChatId == chatId, ct));
        Assert.Equal(3, (await db.Chats.AsNoTracking().SingleAsync(c => c.Id == chatId, ct)).LastMessageSeq);

        // The first committed alone; the two queued messages committed together, with one transaction id.
        var commits = await db.Database.SqlQuery<long>($"SELECT count(*) AS \"Value\" FROM outbox_messages WHERE chat_id = {chatId} AND event = {MessageService.Created} GROUP BY tx ORDER BY min(id)").ToListAsync(ct);
        Assert.Equal([1L, 2L], commits);
        var pointers = await db.ChatMembers.AsNoTracking().Where(m => m.ChatId == chatId).ToDictionaryAsync(m => m.UserId, m => m.ReadSeq, ct);
        Assert.Equal(results[1].Value.Message.Seq, pointers[bob.UserId]);
        Assert.Equal(new[] { alone, results[0] }.Max(r => r.Value.Message.Seq), pointers[alice.UserId]);
    }

    [Fact]
    public async Task A_batch_that_fails_as_a_whole_runs_each_send_alone_and_each_gets_its_own_answer()
    {
        var ct = TestContext.Current.CancellationToken;
        var servers = await env.ServersAsync();
        await using var provider = InProcessCore.Build(servers);
        var (alice, bob) = (await NewUserAsync(provider, ct), await NewUserAsync(provider, ct));
        var chatId = await NewGroupAsync(provider, alice, [bob.UserId], ct);
        var lanes = provider.GetRequiredService<SendLanes>();

        await using var hold = await ChatRowHold.StartAsync(servers, chatId, ct);

        var first = Send(provider, alice, chatId, "first", "alone", ct);
        await LockWaiters.WaitAsync(servers, "send_message(", 1, ct);
        var late = Send(provider, bob, chatId, "late", "removed while the batch waits", ct);
        await Eventually.True(() => Task.FromResult(lanes.Waiting(chatId) == 1), Wait, "bob's send to queue first");
        var after = Send(provider, alice, chatId, "after", "in the same batch", ct);
        await Eventually.True(() => Task.FromResult(lanes.Waiting(chatId) == 2), Wait, "alice's send to queue second");

        // A removal that does not go through the chat row's lock (none should; a fault to make the whole batch fail):
        // it has deleted Bob's membership, uncommitted. The batch locks the chat row and still sees Bob as a member,
        // then waits for his membership row to move his read pointer; when the removal commits, that row is gone, the
        // message has no sender, and the not-null error undoes the whole batch.
        await using var remover = new NpgsqlConnection(servers.Postgres.DirectConnectionString);
        await remover.OpenAsync(ct);
        await using var removal = await remover.BeginTransactionAsync(ct);
        await ExecuteAsync(remover, removal, $"DELETE FROM chat_members WHERE chat_id = '{chatId}' AND user_id = '{bob.UserId}'", ct);
        await hold.CommitAsync(ct);
        Assert.True((await first).IsSuccess);
        await LockWaiters.WaitAsync(servers, "send_messages(", 1, ct);

        await removal.CommitAsync(ct);

        Assert.Equal(ProblemKind.NotFound, (await late).Problem?.Kind);
        var kept = await after;
        Assert.True(kept.IsSuccess, kept.Problem?.Title);
        Assert.Equal(2, kept.Value.Message.Seq); // the failed batch took no number
        await using var scope = provider.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DistaHilarDbContext>();
        Assert.False(await db.Messages.AnyAsync(m => m.ChatId == chatId && m.SenderId == bob.UserId, ct));
        Assert.Equal(2, (await db.Chats.AsNoTracking().SingleAsync(c => c.Id == chatId, ct)).LastMessageSeq);
    }

    private static async Task<Result<(MessageView Message, bool Created)>> Send(ServiceProvider provider, Caller caller, Guid chatId, string clientId, string text, CancellationToken ct, Guid? replyTo = null)
    {
        await using var scope = provider.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<MessageService>().SendAsync(caller, chatId, new SendMessageRequest(clientId, text, replyTo, null), ct);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection, tx);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static Task<Caller> NewUserAsync(IServiceProvider provider, CancellationToken ct) =>
        InProcessCore.NewUserAsync(provider, "sb" + Guid.NewGuid().ToString("N")[..10], ct);

    private static async Task<Guid> NewGroupAsync(ServiceProvider provider, Caller owner, Guid[] members, CancellationToken ct)
    {
        await using var scope = provider.CreateAsyncScope();
        var created = await scope.ServiceProvider.GetRequiredService<ChatService>().CreateAsync(owner, ChatType.Group, new CreateChatRequest("batch", null, members, false), ct);
        return created.Value!.Id;
    }
}
