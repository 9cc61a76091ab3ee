using DistaHilar.Core;
using DistaHilar.Core.Common;
using DistaHilar.Core.Data;
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
}
