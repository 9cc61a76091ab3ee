using DistaHilar.Core.Realtime;
using DistaHilar.Core.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DistaHilar.Core.Health;

/// <summary>
/// Checks each dependency in parallel, each bounded by <see cref="HealthOptions.CheckTimeout"/>, so a hung
/// dependency makes the endpoint answer 503 quickly instead of hanging with it.
/// </summary>
public sealed class HealthService(NpgsqlDataSource database, StorageClients storage, IServiceProvider services, IOptions<HealthOptions> options, ILogger<HealthService> log)
{
    public TimeSpan RetryAfter => options.Value.RetryAfter;

    public async Task<HealthReport> CheckAsync(CancellationToken ct)
    {
        var db = CheckAsync("database", DatabaseAsync, ct);
        var store = CheckAsync("storage", StorageAsync, ct);
        var signalr = services.GetRequiredService<SignalRService>() is { IsConfigured: true } service
            ? CheckAsync("signalr", async t => { if (!await service.IsHealthyAsync(t)) { throw new HttpRequestException("SignalR Service is not healthy."); } }, ct)
            : Task.FromResult(HealthStatus.NotConfigured);
        var checks = new HealthChecks(await db, await store, await signalr);
        var healthy = checks.Database == HealthStatus.Up && checks.Storage == HealthStatus.Up && checks.Signalr != HealthStatus.Down;
        return new HealthReport(healthy ? HealthStatus.Healthy : HealthStatus.Unhealthy, checks);
    }

    private async Task DatabaseAsync(CancellationToken ct)
    {
        await using var command = database.CreateCommand("SELECT 1");
        await command.ExecuteScalarAsync(ct);
    }

    private async Task StorageAsync(CancellationToken ct)
    {
        var blobs = storage.Blobs.GetPropertiesAsync(ct);
        var queues = storage.Queues.GetPropertiesAsync(ct);
        await blobs;
        await queues;
    }

    private async Task<string> CheckAsync(string name, Func<CancellationToken, Task> check, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Value.CheckTimeout);
        try
        {
            // WaitAsync bounds the answer even if the client ignores cancellation while it reconnects.
            await check(timeout.Token).WaitAsync(options.Value.CheckTimeout, ct);
            return HealthStatus.Up;
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            log.LogWarning("Health check {Check} failed: {Error}", name, ex.GetType().Name + ": " + ex.Message);
            return HealthStatus.Down;
        }
    }
}
