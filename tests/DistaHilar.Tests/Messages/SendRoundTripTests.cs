using DistaHilar.Core.Chats;
using DistaHilar.Core.Common;
using DistaHilar.Core.Data;
using DistaHilar.Core.Messages;
using DistaHilar.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DistaHilar.Tests.Messages;

/// <summary>
/// Core's send against the real database (through PgBouncer), counting what goes to PostgreSQL: every command Npgsql
/// runs (its tracing, so raw commands count as well as EF's) and every transaction EF begins (a COMMIT is a round trip
/// of its own). A text send must be one round trip, so the chat row is locked only while one statement runs.
/// </summary>
public sealed class SendRoundTripTests(TestEnvironment env)
{
    [Fact]
    public async Task A_text_send_is_one_statement_in_autocommit_and_a_reply_adds_one_read()
    {
        var ct = TestContext.Current.CancellationToken;
        var transactions = new TransactionCounter();
        await using var provider = InProcessCore.Build(await env.ServersAsync(), transactions);
        var alice = await NewUserAsync(provider, "rt" + Guid.NewGuid().ToString("N")[..10], ct);
        var bob = await NewUserAsync(provider, "rt" + Guid.NewGuid().ToString("N")[..10], ct);
        Guid chatId;
        await using (var scope = provider.CreateAsyncScope())
        {
            var created = await scope.ServiceProvider.GetRequiredService<ChatService>().CreateDialogAsync(alice.Caller, new CreateDialogRequest(bob.Caller.UserId), ct);
            chatId = created.Value.Chat.Id;
        }

        var text = await SendCountedAsync(provider, transactions, alice.Caller, chatId, new SendMessageRequest("t1", "hello", null, null), ct);
        var mention = await SendCountedAsync(provider, transactions, alice.Caller, chatId, new SendMessageRequest("t2", $"hi @{bob.Username}", null, null), ct);
        var reply = await SendCountedAsync(provider, transactions, bob.Caller, chatId, new SendMessageRequest("t3", "yes", text.Message.Id, null), ct);

        Assert.Equal((1, 0), (text.Commands, text.Transactions));
        Assert.Equal((1, 0), (mention.Commands, mention.Transactions));
        Assert.Equal((2, 0), (reply.Commands, reply.Transactions)); // the preview's read, outside the chat row's lock
        Assert.Equal([1L, 2L, 3L], [text.Message.Seq, mention.Message.Seq, reply.Message.Seq]);
        Assert.Equal(text.Message.Id, reply.Message.ReplyTo?.Id);
        Assert.False(text.Message.ReadByPeer);

        await using var check = provider.CreateAsyncScope();
        var db = check.ServiceProvider.GetRequiredService<DistaHilarDbContext>();
        var written = await db.Messages.AsNoTracking().Where(m => m.ChatId == chatId).OrderBy(m => m.Seq).ToListAsync(ct);
        Assert.Equal([text.Message.Id, mention.Message.Id, reply.Message.Id], written.Select(m => m.Id));
        Assert.Equal([bob.Caller.UserId], written[1].Mentions);
        var chat = await db.Chats.AsNoTracking().SingleAsync(c => c.Id == chatId, ct);
        Assert.Equal(3, chat.LastMessageSeq);
        var pointers = await db.ChatMembers.AsNoTracking().Where(m => m.ChatId == chatId).ToDictionaryAsync(m => m.UserId, m => m.ReadSeq, ct);
        Assert.Equal(2, pointers[alice.Caller.UserId]);
        Assert.Equal(3, pointers[bob.Caller.UserId]);
        var events = await db.OutboxMessages.AsNoTracking().Where(o => o.ChatId == chatId && o.Event == MessageService.Created).OrderBy(o => o.Id).Select(o => o.Payload).ToListAsync(ct);
        Assert.Equal(3, events.Count);
        Assert.Contains("\"seq\": 3", events[2], StringComparison.Ordinal); // numbered by the statement
    }

    [Fact]
    public async Task A_member_removed_while_the_send_waits_for_the_chat_row_is_refused_and_no_number_is_taken()
    {
        var ct = TestContext.Current.CancellationToken;
        var servers = await env.ServersAsync();
        await using var provider = InProcessCore.Build(servers);
        var alice = await NewUserAsync(provider, "rr" + Guid.NewGuid().ToString("N")[..10], ct);
        var bob = await NewUserAsync(provider, "rr" + Guid.NewGuid().ToString("N")[..10], ct);
        Guid chatId;
        await using (var scope = provider.CreateAsyncScope())
        {
            var created = await scope.ServiceProvider.GetRequiredService<ChatService>().CreateAsync(alice.Caller, ChatType.Group, new CreateChatRequest("race", null, [bob.Caller.UserId], false), ct);
            chatId = created.Value!.Id;
        }

        async Task<long> SeqOfAsync(DistaHilarDbContext db) => (await db.Chats.AsNoTracking().SingleAsync(c => c.Id == chatId, ct)).LastMessageSeq;
        long seqBefore;
        await using (var scope = provider.CreateAsyncScope())
        {
            seqBefore = await SeqOfAsync(scope.ServiceProvider.GetRequiredService<DistaHilarDbContext>());
        }

        // A removal in flight: it holds the chat row and has deleted Bob's membership, not yet committed.
        await using var removal = await ChatRowHold.StartAsync(servers, chatId, ct, removing: bob.Caller.UserId);

        await using var sendScope = provider.CreateAsyncScope();
        var send = sendScope.ServiceProvider.GetRequiredService<MessageService>().SendAsync(bob.Caller, chatId, new SendMessageRequest("late", "still here?", null, null), ct);
        await LockWaiters.WaitAsync(servers, "send_message(", 1, ct);
        await removal.CommitAsync(ct);

        var result = await send;
        Assert.Equal(ProblemKind.NotFound, result.Problem?.Kind);
        await using var check = provider.CreateAsyncScope();
        var db = check.ServiceProvider.GetRequiredService<DistaHilarDbContext>();
        Assert.Equal(seqBefore, await SeqOfAsync(db));
        Assert.False(await db.Messages.AnyAsync(m => m.ChatId == chatId && m.SenderId == bob.Caller.UserId, ct));
    }

    private static async Task<(MessageView Message, int Commands, int Transactions)> SendCountedAsync(
        ServiceProvider provider, TransactionCounter transactions, Caller caller, Guid chatId, SendMessageRequest request, CancellationToken ct)
    {
        var (result, commands, transactionCount) = await RoundTrips.CountAsync<MessageService, Result<(MessageView Message, bool Created)>>(provider, transactions, m => m.SendAsync(caller, chatId, request, ct));
        Assert.True(result.IsSuccess, result.Problem?.Title);
        return (result.Value.Message, commands, transactionCount);
    }

    private static async Task<(Caller Caller, string Username)> NewUserAsync(IServiceProvider provider, string username, CancellationToken ct) =>
        (await InProcessCore.NewUserAsync(provider, username, ct), username);
}
