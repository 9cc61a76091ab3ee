using DistaHilar.Core;
using DistaHilar.Core.Chats;
using DistaHilar.Core.Common;
using DistaHilar.Core.Data;
using DistaHilar.Core.Messages;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DistaHilar.Tests.Infrastructure;

/// <summary>
/// Core's composition root in the test process, on the shared servers (through PgBouncer) with the shared app's
/// lifted limits: for tests that watch what Core itself sends to the database (an interceptor counting commands).
/// </summary>
public static class InProcessCore
{
    public static ServiceProvider Build(Dev.LocalServers servers, params IInterceptor[] interceptors)
    {
        ArgumentNullException.ThrowIfNull(servers);
        var settings = TestEnvironment.With(servers.AppSettings, TestEnvironment.GenerousLimits).ToDictionary(p => p.Key.Replace("__", ":", StringComparison.Ordinal), p => p.Value);
        var services = new ServiceCollection().AddLogging();
        foreach (var interceptor in interceptors)
        {
            services.AddSingleton(interceptor);
        }

        return services.AddDistaHilarCore(new ConfigurationBuilder().AddInMemoryCollection(settings).Build()).BuildServiceProvider();
    }

    /// <summary>A user row written directly (no password to hash), with a username when one is given, and a caller for it.</summary>
    public static async Task<Caller> NewUserAsync(IServiceProvider provider, string? username, CancellationToken ct)
    {
        await using var scope = provider.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DistaHilarDbContext>();
        var user = new User { Id = Guid.CreateVersion7(), Name = "Counted", Username = username, PasswordHash = "-", CreatedAt = DateTimeOffset.UtcNow };
        db.Users.Add(user);
        await db.SaveChangesAsync(ct);
        return new Caller(user.Id, Guid.NewGuid());
    }

    /// <summary>A group of Alice (its owner) and Bob with one message of Alice's in it.</summary>
    public static async Task<(Caller Alice, Caller Bob, Guid ChatId, Guid MessageId)> GroupWithMessageAsync(ServiceProvider provider, CancellationToken ct)
    {
        var alice = await NewUserAsync(provider, null, ct);
        var bob = await NewUserAsync(provider, null, ct);
        await using var scope = provider.CreateAsyncScope();
        var created = await scope.ServiceProvider.GetRequiredService<ChatService>().CreateAsync(alice, ChatType.Group, new CreateChatRequest("a group", null, [bob.UserId], false), ct);
        var chatId = created.Value!.Id;
        var sent = await scope.ServiceProvider.GetRequiredService<MessageService>().SendAsync(alice, chatId, new SendMessageRequest("m1", "first words", null, null), ct);
        return (alice, bob, chatId, sent.Value.Message.Id);
    }

    /// <summary>The chat's last event number.</summary>
    public static async Task<long> EventSeqAsync(ServiceProvider provider, Guid chatId, CancellationToken ct)
    {
        await using var scope = provider.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<DistaHilarDbContext>().Chats.AsNoTracking().SingleAsync(c => c.Id == chatId, ct)).EventSeq;
    }
}
