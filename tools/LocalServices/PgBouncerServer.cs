using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace DistaHilar.LocalServices;

/// <summary>
/// A throwaway PgBouncer (Debian's 1.18) in front of a <see cref="PostgresServer"/>, configured like Azure's built-in
/// one: transaction pooling, SCRAM logins, no server-side prepared statements. Listens on 127.0.0.1 on a free port,
/// runs as the <c>postgres</c> OS user when we are root (it refuses root). Any database name is forwarded upstream.
/// </summary>
public sealed class PgBouncerServer : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);

    private readonly PostgresServer _upstream;
    private readonly ILogger _log;
    private readonly string _root;
    private ServiceProcess? _process;
    private int _disposed;

    private PgBouncerServer(PostgresServer upstream, ILogger log, string root)
    {
        _upstream = upstream;
        _log = log;
        _root = root;
    }

    /// <summary>TCP port on 127.0.0.1.</summary>
    public int Port { get; private set; }

    /// <summary>
    /// Connection string for the app through the pooler. It resets nothing on close and never prepares statements
    /// (both break under transaction pooling), and it carries no Search Path/Options: PgBouncer refuses those startup parameters.
    /// </summary>
    public string PooledConnectionString =>
        $"Host=127.0.0.1;Port={Port};Database=distahilar;Username=distahilar;Password={_upstream.Password};No Reset On Close=true;Max Auto Prepare=0";

    /// <summary>PID of pgbouncer, or null once stopped.</summary>
    public int? ProcessId => _process is { HasExited: false } p ? p.Pid : null;

    /// <summary>What a dev command records in its pid file (see <see cref="ProcessRegistry"/>).</summary>
    public TrackedProcess? Tracked => _process is { HasExited: false } p ? p.Tracked : null;

    /// <summary>PgBouncer's own log file (also forwarded to the logger).</summary>
    public string LogFile => Path.Combine(_root, "pgbouncer.log");

    /// <summary>Writes config and userlist to a temp folder, starts pgbouncer and waits until a query passes through it.</summary>
    /// <exception cref="LocalServiceException">It did not start or no query got through in time; the message carries the tail of its output.</exception>
    public static async Task<PgBouncerServer> StartAsync(PostgresServer upstream, ILogger? log = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(upstream);
        log ??= NullLogger.Instance;
        var clock = Stopwatch.StartNew();
        var executable = Executables.Find("pgbouncer");
        var server = new PgBouncerServer(upstream, log, ServiceAccount.CreateTempDirectory("distahilar-pgbouncer-", forService: true));
        try
        {
            server.WriteUserList();
            for (var attempt = 1; ; attempt++)
            {
                server.Port = FreePort.Next();
                server.WriteConfig();
                try
                {
                    await server.LaunchAsync(executable, ct);
                    break;
                }
                catch (LocalServiceException e) when (attempt < 3 && e.LogTail.Contains("already in use", StringComparison.OrdinalIgnoreCase))
                {
                    log.LogWarning("PgBouncer port {Port} was taken meanwhile; trying another", server.Port);
                }
            }

            log.LogInformation("PgBouncer started on 127.0.0.1:{Port} (PID {Pid}) in {Ms} ms, upstream port {Upstream}", server.Port, server.ProcessId, clock.ElapsedMilliseconds, upstream.Port);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Waits until a query gets through again, e.g. after <see cref="PostgresServer.RestartAsync"/>: for up to
    /// server_login_retry (1 s) after a failed upstream login PgBouncer rejects clients with
    /// "server login has been failing, try again later".
    /// </summary>
    public async Task WaitUntilServingAsync(TimeSpan? timeout = null, CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0 || _process is null, this);
        await Readiness.WaitAsync(_process, $"PgBouncer on port {Port}", timeout ?? ReadyTimeout, ProbeAsync, ct);
    }

    /// <summary>
    /// Immediate shutdown (SIGTERM: every client connection is cut), then the same PgBouncer again on the same port,
    /// as when Azure restarts its built-in pooler; waits until a query gets through.
    /// </summary>
    public async Task RestartAsync(CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0 || _process is null, this);
        var clock = Stopwatch.StartNew();
        await _process.StopAsync(NativeMethods.SigTerm, TimeSpan.FromSeconds(5));
        _process.Dispose();
        _process = null;
        await LaunchAsync(Executables.Find("pgbouncer"), ct);
        _log.LogInformation("PgBouncer restarted on 127.0.0.1:{Port} (PID {Pid}) in {Ms} ms", Port, ProcessId, clock.ElapsedMilliseconds);
    }

    /// <summary>Immediate shutdown (SIGTERM), then deletes the temp folder. Safe to call twice.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            if (_process is not null)
            {
                // SIGINT would be a "safe" shutdown that waits for clients to disconnect.
                await _process.StopAsync(NativeMethods.SigTerm, TimeSpan.FromSeconds(5));
                _log.LogInformation("PgBouncer on port {Port} (PID {Pid}) stopped", Port, _process.Pid);
                _process.Dispose();
                _process = null;
            }
        }
        finally
        {
            TempFolder.Delete(_root, _log);
        }
    }

    // A plain password lets PgBouncer do SCRAM on both sides; with only the SCRAM secret it could log in
    // upstream only for clients that themselves used SCRAM.
    private void WriteUserList()
    {
        var file = Path.Combine(_root, "userlist.txt");
        File.WriteAllText(file, $"\"distahilar\" \"{_upstream.Password}\"\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        ServiceAccount.GiveAway(file);
    }

    private void WriteConfig()
    {
        var file = Path.Combine(_root, "pgbouncer.ini");
        File.WriteAllText(file, $"""
            ; Written by DistaHilar.LocalServices: a stand-in for Azure's built-in PgBouncer.
            [databases]
            * = host=127.0.0.1 port={_upstream.Port}

            [pgbouncer]
            listen_addr = 127.0.0.1
            listen_port = {Port}
            ; no unix socket: nothing here uses it
            unix_socket_dir =
            auth_type = scram-sha-256
            auth_file = {Path.Combine(_root, "userlist.txt")}
            pool_mode = transaction
            default_pool_size = 20
            max_client_conn = 500
            ; retry an upstream that was down after 1 s (default 15 s) so a PostgreSQL restart is picked up quickly
            server_login_retry = 1
            server_connect_timeout = 5
            ; a client waiting for a server connection gets an error after 10 s instead of hanging
            query_wait_timeout = 10
            logfile = {LogFile}
            pidfile = {Path.Combine(_root, "pgbouncer.pid")}

            """);
        ServiceAccount.GiveAway(file);
    }

    private async Task LaunchAsync(string executable, CancellationToken ct)
    {
        var config = Path.Combine(_root, "pgbouncer.ini");
        // No -d: in the foreground the PID we hold is pgbouncer's, and its log also goes to stderr.
        _process = await Readiness.ReadyOrKilledAsync(
            ServiceProcess.Start("pgbouncer", executable, [config], _root, dropRoot: true, _root, NativeMethods.SigTerm, _log),
            $"PgBouncer on port {Port}", ReadyTimeout, ProbeAsync, ct);
    }

    // A query, not just a TCP accept: it proves the userlist, the SCRAM logins and the upstream route.
    private async Task ProbeAsync(CancellationToken ct)
    {
        await Readiness.TcpAsync(Port, ct);
        await using var connection = new NpgsqlConnection(PooledConnectionString + ";Pooling=false;Timeout=5");
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("SELECT 1", connection);
        await command.ExecuteScalarAsync(ct);
    }
}
