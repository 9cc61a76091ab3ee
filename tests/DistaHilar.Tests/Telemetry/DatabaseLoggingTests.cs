using DistaHilar.Core;
using DistaHilar.Core.Data;
using DistaHilar.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DistaHilar.Tests.Telemetry;

/// <summary>
/// Core's DbContext, as the composition root registers it, on the shared PostgreSQL: a refused write reaches the
/// caller as an exception (for it to answer or log), while EF Core itself logs it at Debug only.
/// </summary>
public sealed class DatabaseLoggingTests(TestEnvironment env)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_unique_violation_is_thrown_to_the_caller_and_ef_logs_it_at_debug_not_error()
    {
        var servers = await env.ServersAsync();
        using var logs = new LogCapture(LogLevel.Debug);
        var settings = servers.AppSettings.ToDictionary(p => p.Key.Replace("__", ":", StringComparison.Ordinal), p => p.Value);
        await using var provider = new ServiceCollection()
            .AddSingleton(logs.Factory)
            .AddLogging()
            .AddDistaHilarCore(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .BuildServiceProvider();
        var username = "dup" + Guid.NewGuid().ToString("N")[..12];
        await AddUserAsync(provider, username);

        var refused = await Assert.ThrowsAsync<DbUpdateException>(() => AddUserAsync(provider, username));

        Assert.Contains("23505", refused.InnerException?.Message, StringComparison.Ordinal);
        var ef = logs.Entries.Where(e => e.Category.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal)).ToList();
        Assert.Contains(ef, e => e is { Category: "Microsoft.EntityFrameworkCore.Database.Command", Level: LogLevel.Debug } && e.Message.StartsWith("Failed executing DbCommand", StringComparison.Ordinal));
        Assert.Contains(ef, e => e is { Category: "Microsoft.EntityFrameworkCore.Update", Level: LogLevel.Debug } && e.Exception is not null);
        Assert.DoesNotContain(logs.Entries, e => e.Level >= LogLevel.Warning);
    }

    private static async Task AddUserAsync(IServiceProvider provider, string username)
    {
        await using var scope = provider.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DistaHilarDbContext>();
        db.Users.Add(new User { Id = Guid.CreateVersion7(), Name = "Logged", Username = username, PasswordHash = "-", CreatedAt = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync(Ct);
    }
}
