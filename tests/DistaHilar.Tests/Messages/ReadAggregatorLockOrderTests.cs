using DistaHilar.Core.Data;
using DistaHilar.Core.Messages;
using DistaHilar.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DistaHilar.Tests.Messages;

/// <summary>
/// The read-state aggregator takes the chat row before the member row, as sends do. Found by the web client: a user
/// sending quickly into a chat they had open (each message moves their read pointer, and the aggregator then counts
/// it) got 409s from deadlocks, the send holding the chat and waiting for its sender's member row, the aggregator
/// holding that row and waiting for the chat's event number.
/// </summary>
public sealed class ReadAggregatorLockOrderTests(TestEnvironment env)
{
    [Fact]
    public async Task The_aggregator_waits_for_the_chat_before_it_takes_the_readers_member_row()
    {
        var ct = TestContext.Current.CancellationToken;
        var servers = await env.ServersAsync();
        await using var provider = InProcessCore.Build(servers);
        var (_, bob, chatId, first) = await InProcessCore.GroupWithMessageAsync(provider, ct);
        await using (var scope = provider.CreateAsyncScope())
        {
            Assert.True((await scope.ServiceProvider.GetRequiredService<MessageService>().ReadAsync(bob, chatId, new ReadRequest(first), ct)).IsSuccess);
        }

        // A send of Bob's, as send_message runs it: the chat row first…
        await using var send = await ChatRowHold.StartAsync(servers, chatId, ct);
        var aggregated = Task.Run(
            async () =>
            {
                await using var scope = provider.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<ReadStateAggregator>().ApplyAsync(new ReadEvent(chatId, bob.UserId), ct);
            },
            ct);
        await LockWaiters.WaitAsync(servers, "chats", 1, ct);

        // …then its sender's read pointer. Had the aggregator taken Bob's member row first, this would deadlock.
        await send.ExecuteAsync($"UPDATE chat_members SET read_seq = read_seq WHERE chat_id = '{chatId}' AND user_id = '{bob.UserId}'", ct);
        await send.CommitAsync(ct);
        await aggregated;

        await using var check = provider.CreateAsyncScope();
        var member = await check.ServiceProvider.GetRequiredService<DistaHilarDbContext>().ChatMembers.AsNoTracking().SingleAsync(m => m.ChatId == chatId && m.UserId == bob.UserId, ct);
        Assert.Equal(1, member.ReadAppliedSeq);
    }
}
