using System.Data.Common;
using DistaHilar.Core.Chats;
using DistaHilar.Core.Common;
using DistaHilar.Core.Data;
using DistaHilar.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace DistaHilar.Tests.Chats;

/// <summary>
/// Core's chat list against the real database (through PgBouncer) with a command counter on the DbContext: the
/// number of queries for a page must not depend on how many chats the user has (no N+1).
/// </summary>
public sealed class ChatListQueryCountTests(TestEnvironment env)
{
    [Fact]
    public async Task A_page_costs_the_same_queries_for_3_chats_as_for_60()
    {
        var ct = TestContext.Current.CancellationToken;
        var counter = new CommandCounter();
        await using var provider = InProcessCore.Build(await env.ServersAsync(), counter);

        var owner = await InProcessCore.NewUserAsync(provider, null, ct);
        var peer = await InProcessCore.NewUserAsync(provider, null, ct);
        async Task AddChatsAsync(int count)
        {
            for (var i = 0; i < count; i++)
            {
                await using var scope = provider.CreateAsyncScope();
                var chats = scope.ServiceProvider.GetRequiredService<ChatService>();
                if (i % 3 == 0)
                {
                    var other = await InProcessCore.NewUserAsync(provider, null, ct);
                    Assert.True((await chats.CreateDialogAsync(owner, new CreateDialogRequest(other.UserId), ct)).IsSuccess);
                }
                else
                {
                    Assert.True((await chats.CreateAsync(owner, ChatType.Group, new CreateChatRequest($"g{i}", null, [peer.UserId], false), ct)).IsSuccess);
                }
            }
        }

        async Task<int> QueriesForFirstPageAsync()
        {
            await using var scope = provider.CreateAsyncScope();
            var list = scope.ServiceProvider.GetRequiredService<ChatList>();
            counter.Reset();
            var page = await list.ListAsync(owner, null, new PageRequest(50, null), ct);
            Assert.True(page.IsSuccess);
            return counter.Count;
        }

        await AddChatsAsync(3);
        var few = await QueriesForFirstPageAsync();
        await AddChatsAsync(57);
        var many = await QueriesForFirstPageAsync();

        Assert.Equal(few, many);
        Assert.InRange(many, 1, 6); // page, peers, their contacts and connections, last messages, unread counts
    }

    private sealed class CommandCounter : DbCommandInterceptor
    {
        private int count;

        public int Count => Volatile.Read(ref count);

        public void Reset() => Interlocked.Exchange(ref count, 0);

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref count);
            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }
    }
}
