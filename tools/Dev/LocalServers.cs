using DistaHilar.Core.Data;
using DistaHilar.LocalServices;
using Microsoft.Extensions.Logging;

namespace DistaHilar.Dev;

/// <summary>
/// The services the app needs, as throwaway local processes on free loopback ports: PostgreSQL (migrated over a
/// direct connection), PgBouncer in transaction mode in front of it, and Azurite (blob + queue). With
/// <see cref="PostgresDurability.Production"/> Azurite keeps its data on disk too, so an outage loses nothing there either.
/// </summary>
public sealed class LocalServers : IAsyncDisposable
{
    private LocalServers(PostgresServer postgres, PgBouncerServer pgBouncer, AzuriteServer azurite)
    {
        Postgres = postgres;
        PgBouncer = pgBouncer;
        Azurite = azurite;
    }

    public PostgresServer Postgres { get; }

    public PgBouncerServer PgBouncer { get; }

    public AzuriteServer Azurite { get; }

    /// <summary>
    /// The app settings that point the function app at these services, with a token signing key made for this run
    /// (tokens die with the services, as the data does).
    /// </summary>
    public IReadOnlyDictionary<string, string?> AppSettings => new Dictionary<string, string?>
    {
        ["Database__ConnectionString"] = PgBouncer.PooledConnectionString,
        ["Database__MigrationConnectionString"] = Postgres.DirectConnectionString,
        ["AzureWebJobsStorage"] = Azurite.ConnectionString,
        ["Auth__SigningKeys__0__Id"] = "local",
        ["Auth__SigningKeys__0__Secret"] = signingKey,
        ["Auth__ActiveSigningKeyId"] = "local",
    };

    private readonly string signingKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    public IEnumerable<TrackedProcess> Processes =>
        new[] { Postgres.Tracked, PgBouncer.Tracked, Azurite.Tracked }.OfType<TrackedProcess>();

    public static Task<LocalServers> StartAsync(ILoggerFactory loggerFactory, CancellationToken ct = default) => StartAsync(loggerFactory, PostgresDurability.Fast, ct);

    public static async Task<LocalServers> StartAsync(ILoggerFactory loggerFactory, PostgresDurability durability, CancellationToken ct = default)
    {
        var postgresStart = PostgresServer.StartAsync(loggerFactory.CreateLogger("postgres"), durability, ct);
        var azuriteStart = AzuriteServer.StartAsync(tls: null, persistent: durability == PostgresDurability.Production, loggerFactory.CreateLogger("azurite"), ct);
        PostgresServer? postgres = null;
        AzuriteServer? azurite = null;
        PgBouncerServer? pgBouncer = null;
        try
        {
            postgres = await postgresStart;
            azurite = await azuriteStart;
            pgBouncer = await PgBouncerServer.StartAsync(postgres, loggerFactory.CreateLogger("pgbouncer"), ct);
            await DatabaseMigrator.MigrateAsync(postgres.DirectConnectionString, ct);
            return new LocalServers(postgres, pgBouncer, azurite);
        }
        catch
        {
            // Whatever did start is stopped again; a half-started stack leaves nothing behind.
            await DisposeAllAsync(pgBouncer, await Settle(azuriteStart), await Settle(postgresStart));
            throw;
        }
    }

    public ValueTask DisposeAsync() => DisposeAllAsync(PgBouncer, Azurite, Postgres);

    private static async ValueTask DisposeAllAsync(params IAsyncDisposable?[] services)
    {
        foreach (var service in services)
        {
            if (service is not null)
            {
                await service.DisposeAsync();
            }
        }
    }

    private static async Task<T?> Settle<T>(Task<T> start)
        where T : class
    {
        try
        {
            return await start;
        }
        catch (Exception)
        {
            return null;
        }
    }
}
