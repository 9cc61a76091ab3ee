using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace DistaHilar.LocalServices;

/// <summary>
/// A throwaway PostgreSQL cluster in a temp folder, listening only on 127.0.0.1 on a free port, by default tuned for
/// speed over durability (fsync, synchronous_commit and full_page_writes off); <see cref="PostgresDurability.Production"/>
/// keeps PostgreSQL's (and Azure's) defaults, for benchmarks and anything that must survive a crash. It holds login role and database
/// <c>distahilar</c> (scram-sha-256, random password). Runs as the <c>postgres</c> OS user when we are root.
/// Tests can <see cref="StopAsync"/> and <see cref="RestartAsync"/> it to exercise outages;
/// <see cref="DisposeAsync"/> kills it and deletes the folder.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private const string AppName = "distahilar";
    private const string Superuser = "postgres";
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);

    private readonly ILogger _log;
    private readonly string _root;
    private readonly string _binDir;
    private readonly string _superuserPassword = Secret();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ServiceProcess? _process;
    private int _disposed;

    private PostgresServer(ILogger log, string root, string binDir)
    {
        _log = log;
        _root = root;
        _binDir = binDir;
        DataDirectory = Path.Combine(root, "data");
    }

    public PostgresDurability Durability { get; private init; }

    /// <summary>TCP port on 127.0.0.1; stays the same across <see cref="RestartAsync"/>.</summary>
    public int Port { get; private set; }

    /// <summary>Password of the <c>distahilar</c> role.</summary>
    public string Password { get; } = Secret();

    /// <summary>The cluster's data folder (inside this instance's temp folder).</summary>
    public string DataDirectory { get; }

    /// <summary>Connection string straight to PostgreSQL as <c>distahilar</c> (for migrations and tests that bypass PgBouncer).</summary>
    public string DirectConnectionString => ConnectionString(AppName, AppName, Password);

    /// <summary>Superuser connection string (database <c>postgres</c>), e.g. to create extra databases or end backends.</summary>
    public string AdminConnectionString => ConnectionString(Superuser, Superuser, _superuserPassword);

    /// <summary>PID of the postmaster, or null while stopped.</summary>
    public int? ProcessId => _process is { HasExited: false } p ? p.Pid : null;

    /// <summary>What a dev command records in its pid file (see <see cref="ProcessRegistry"/>); null while stopped. Changes on restart.</summary>
    public TrackedProcess? Tracked => _process is { HasExited: false } p ? p.Tracked : null;

    /// <summary>initdb's a new cluster, starts it, waits until it accepts connections and creates the app role and database.</summary>
    /// <exception cref="LocalServiceException">A step failed or timed out; the message carries the tail of the output.</exception>
    public static Task<PostgresServer> StartAsync(ILogger? log = null, CancellationToken ct = default) => StartAsync(log, PostgresDurability.Fast, ct);

    /// <inheritdoc cref="StartAsync(ILogger?, CancellationToken)"/>
    public static async Task<PostgresServer> StartAsync(ILogger? log, PostgresDurability durability, CancellationToken ct = default)
    {
        log ??= NullLogger.Instance;
        var clock = Stopwatch.StartNew();
        var server = new PostgresServer(log, ServiceAccount.CreateTempDirectory("distahilar-pg-", forService: true), Executables.PostgresBinDirectory()) { Durability = durability };
        try
        {
            await server.InitDbAsync(ct);
            for (var attempt = 1; ; attempt++)
            {
                server.Port = FreePort.Next();
                server.WriteSettings();
                try
                {
                    await server.LaunchAsync(ct);
                    break;
                }
                catch (LocalServiceException e) when (attempt < 3 && e.LogTail.Contains("already in use", StringComparison.OrdinalIgnoreCase))
                {
                    log.LogWarning("PostgreSQL port {Port} was taken meanwhile; trying another", server.Port);
                }
            }

            await server.CreateAppDatabaseAsync(ct);
            log.LogInformation("PostgreSQL started on 127.0.0.1:{Port} (PID {Pid}) in {Ms} ms; data in {Dir}", server.Port, server.ProcessId, clock.ElapsedMilliseconds, server.DataDirectory);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Fast shutdown (SIGINT: ends sessions, checkpoints); the data stays for <see cref="RestartAsync"/>. No-op if stopped.</summary>
    public Task StopAsync(CancellationToken ct = default) => StopKeepingDataAsync(NativeMethods.SigInt, TimeSpan.FromSeconds(30), ct);

    /// <summary>
    /// Immediate shutdown (SIGQUIT, what <c>pg_ctl stop -m immediate</c> sends): no checkpoint, so the next start
    /// recovers from the WAL as after a crash; only commits that were flushed survive. The data stays for
    /// <see cref="RestartAsync"/>. No-op if stopped.
    /// </summary>
    public Task CrashAsync(CancellationToken ct = default) => StopKeepingDataAsync(NativeMethods.SigQuit, TimeSpan.FromSeconds(10), ct);

    /// <summary>Starts the same cluster again on the same port (stopping it first if it runs) and waits until it accepts connections.</summary>
    public async Task RestartAsync(CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await _gate.WaitAsync(ct);
        try
        {
            await StopCoreAsync(NativeMethods.SigInt, TimeSpan.FromSeconds(30));
            var clock = Stopwatch.StartNew();
            await LaunchAsync(ct);
            _log.LogInformation("PostgreSQL restarted on 127.0.0.1:{Port} (PID {Pid}) in {Ms} ms", Port, ProcessId, clock.ElapsedMilliseconds);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Immediate shutdown (the data is thrown away), then deletes the temp folder. Safe to call twice.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _gate.WaitAsync();
        try
        {
            await StopCoreAsync(NativeMethods.SigQuit, TimeSpan.FromSeconds(10));
        }
        finally
        {
            TempFolder.Delete(_root, _log);
            _gate.Release();
        }
    }

    private static string Secret() => RandomNumberGenerator.GetHexString(32, lowercase: true);

    private string ConnectionString(string database, string user, string password) =>
        $"Host=127.0.0.1;Port={Port};Database={database};Username={user};Password={password}";

    private async Task InitDbAsync(CancellationToken ct)
    {
        var passwordFile = Path.Combine(_root, "superuser-password");
        await File.WriteAllTextAsync(passwordFile, _superuserPassword + "\n", ct);
        ServiceAccount.GiveAway(passwordFile);
        using (var initdb = ServiceProcess.Start(
            "initdb", Path.Combine(_binDir, "initdb"),
            ["-D", DataDirectory, "-U", Superuser, $"--pwfile={passwordFile}", "--auth-local=peer", "--auth-host=scram-sha-256",
             // C.UTF-8: byte-order collation as with no locale, but Unicode letters and case (Azure's servers use
             // en_US.utf8): full-text search must see Cyrillic words as words and fold their case.
             "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"],
            _root, dropRoot: true, DataDirectory, NativeMethods.SigTerm, _log))
        {
            var code = await initdb.RunToExitAsync(TimeSpan.FromSeconds(120), ct);
            File.Delete(passwordFile);
            if (code != 0)
            {
                throw new LocalServiceException($"initdb exited with code {code}.", initdb.Tail.ToString());
            }
        }

        // Our settings live in their own file so WriteSettings can rewrite them (the port) without parsing postgresql.conf.
        await File.AppendAllTextAsync(Path.Combine(DataDirectory, "postgresql.conf"), "\ninclude 'distahilar.conf'\n", ct);
        await File.WriteAllTextAsync(Path.Combine(DataDirectory, "pg_hba.conf"), """
            # Written by DistaHilar.LocalServices: password (SCRAM) logins over loopback TCP only.
            # TYPE  DATABASE  USER  ADDRESS       METHOD
            local   all       all                 peer
            host    all       all   127.0.0.1/32  scram-sha-256

            """, ct);
    }

    private void WriteSettings()
    {
        var file = Path.Combine(DataDirectory, "distahilar.conf");
        File.WriteAllText(file, $"""
            # Written by DistaHilar.LocalServices: a disposable cluster ({Durability}).
            listen_addresses = '127.0.0.1'
            port = {Port}
            unix_socket_directories = '{_root}'
            max_connections = 200
            {(Durability == PostgresDurability.Fast ? "fsync = off\nsynchronous_commit = off\nfull_page_writes = off" : "fsync = on\nsynchronous_commit = on\nfull_page_writes = on")}
            logging_collector = off
            log_destination = 'stderr'
            log_line_prefix = '%m [%p] '

            """);
        ServiceAccount.GiveAway(file);
    }

    /// <summary>Starts the postmaster in the foreground (no pg_ctl) so the PID we hold is the postmaster's, then waits for a real login.</summary>
    private async Task LaunchAsync(CancellationToken ct)
    {
        _process = await Readiness.ReadyOrKilledAsync(
            ServiceProcess.Start("postgres", Path.Combine(_binDir, "postgres"), ["-D", DataDirectory], _root, dropRoot: true, DataDirectory, NativeMethods.SigInt, _log),
            $"PostgreSQL on port {Port}", ReadyTimeout, ProbeAsync, ct);
    }

    // "Accepts TCP" is not enough: during recovery the postmaster answers "the database system is starting up".
    private async Task ProbeAsync(CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString + ";Pooling=false;Timeout=5");
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("SELECT 1", connection);
        await command.ExecuteScalarAsync(ct);
    }

    private async Task CreateAppDatabaseAsync(CancellationToken ct)
    {
        await using (var admin = new NpgsqlConnection(AdminConnectionString + ";Pooling=false"))
        {
            await admin.OpenAsync(ct);
            // DDL takes no parameters; the password is hex from our own RNG, so inlining it is safe.
            string[] statements = [$"CREATE ROLE {AppName} LOGIN PASSWORD '{Password}'", $"CREATE DATABASE {AppName} OWNER {AppName}"];
            foreach (var sql in statements)
            {
#pragma warning disable CA2100 // See above: no user input reaches this SQL.
                await using var command = new NpgsqlCommand(sql, admin);
#pragma warning restore CA2100
                await command.ExecuteNonQueryAsync(ct);
            }
        }

        // Prove the app's own login works before handing the server out.
        await using var app = new NpgsqlConnection(DirectConnectionString + ";Pooling=false");
        await app.OpenAsync(ct);
    }

    private async Task StopKeepingDataAsync(int signal, TimeSpan grace, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await _gate.WaitAsync(ct);
        try
        {
            await StopCoreAsync(signal, grace);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task StopCoreAsync(int signal, TimeSpan grace)
    {
        if (_process is null)
        {
            return;
        }

        await _process.StopAsync(signal, grace);
        _log.LogInformation("PostgreSQL on port {Port} (PID {Pid}) stopped", Port, _process.Pid);
        _process.Dispose();
        _process = null;
    }
}

/// <summary>How a local cluster trades durability for speed.</summary>
public enum PostgresDurability
{
    /// <summary>fsync, synchronous_commit and full_page_writes off: a crash may lose acknowledged commits. Tests that never crash it.</summary>
    Fast,

    /// <summary>fsync, synchronous_commit and full_page_writes on, as Azure Database for PostgreSQL runs: benchmarks, crash tests.</summary>
    Production,
}
