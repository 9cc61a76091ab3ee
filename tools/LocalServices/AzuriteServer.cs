using System.Diagnostics;
using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DistaHilar.LocalServices;

/// <summary>
/// A throwaway Azurite (the npm package pinned in the repo's package.json, installed by <c>npm ci</c>) serving
/// blob and queue storage on free 127.0.0.1 ports, in memory or (persistent, for outage tests) in its temp folder. Started with <c>--skipApiVersionCheck</c> (current
/// Azure SDKs send an API version newer than Azurite knows), <c>--loose</c> and telemetry off.
/// </summary>
public sealed class AzuriteServer : IAsyncDisposable
{
    /// <summary>Azurite's fixed development account.</summary>
    public const string AccountName = "devstoreaccount1";

    /// <summary>Azurite's well-known (public, documented) development account key.</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);

    private readonly ILogger _log;
    private readonly string _root;
    private readonly AzuriteTls? _tls;
    private readonly bool _persistent;
    private readonly string _node;
    private readonly string _entry;
    private ServiceProcess? _process;
    private int _tablePort;
    private int _disposed;

    private AzuriteServer(ILogger log, string root, AzuriteTls? tls, bool persistent, string node, string entry)
    {
        _log = log;
        _root = root;
        _tls = tls;
        _persistent = persistent;
        _node = node;
        _entry = entry;
    }

    private string Scheme => _tls is null ? "http" : "https";

    /// <summary>Blob service port on 127.0.0.1.</summary>
    public int BlobPort { get; private set; }

    /// <summary>Queue service port on 127.0.0.1.</summary>
    public int QueuePort { get; private set; }

    /// <summary>Blob endpoint, path-style (account name in the path).</summary>
    public string BlobEndpoint => $"{Scheme}://127.0.0.1:{BlobPort}/{AccountName}";

    /// <summary>Queue endpoint, path-style (account name in the path).</summary>
    public string QueueEndpoint => $"{Scheme}://127.0.0.1:{QueuePort}/{AccountName}";

    /// <summary>Storage connection string with explicit blob and queue endpoints (no table endpoint).</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol={Scheme};AccountName={AccountName};AccountKey={AccountKey};BlobEndpoint={BlobEndpoint};QueueEndpoint={QueueEndpoint};";

    /// <summary>PID of the node process, or null once stopped.</summary>
    public int? ProcessId => _process is { HasExited: false } p ? p.Pid : null;

    /// <summary>What a dev command records in its pid file (see <see cref="ProcessRegistry"/>).</summary>
    public TrackedProcess? Tracked => _process is { HasExited: false } p ? p.Tracked : null;

    /// <summary>Starts Azurite from the repo's node_modules (see <see cref="RepoRoot.Find"/>) and waits until its ports accept TCP.</summary>
    /// <exception cref="LocalServiceException">Node or the package is missing, or it did not come up in time.</exception>
    public static Task<AzuriteServer> StartAsync(ILogger? log = null, CancellationToken ct = default) => StartAsync(null, log, ct);

    /// <summary>
    /// With <paramref name="tls"/>: HTTPS with the given certificate and <c>--oauth basic</c>, so Entra ID bearer
    /// tokens (checked for issuer, audience and lifetime, not signature) and user delegation keys work, as with a
    /// managed identity in Azure.
    /// </summary>
    public static Task<AzuriteServer> StartAsync(AzuriteTls? tls, ILogger? log = null, CancellationToken ct = default) => StartAsync(tls, persistent: false, log, ct);

    /// <summary>
    /// <paramref name="persistent"/>: blobs and queue messages are kept on disk (in the temp folder) rather than in
    /// memory, so they survive <see cref="StopAsync"/> and <see cref="RestartAsync"/> as a storage account's do.
    /// </summary>
    public static async Task<AzuriteServer> StartAsync(AzuriteTls? tls, bool persistent, ILogger? log = null, CancellationToken ct = default)
    {
        log ??= NullLogger.Instance;
        var clock = Stopwatch.StartNew();
        var entry = FindEntry(RepoRoot.Find());
        var node = Executables.Find("node");
        var server = new AzuriteServer(log, ServiceAccount.CreateTempDirectory("distahilar-azurite-", forService: false), tls, persistent, node, entry);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                server.BlobPort = FreePort.Next();
                server.QueuePort = FreePort.Next();
                try
                {
                    server._tablePort = FreePort.Next();
                    await server.LaunchAsync(ct);
                    break;
                }
                catch (LocalServiceException e) when (attempt < 3 && e.LogTail.Contains("EADDRINUSE", StringComparison.Ordinal))
                {
                    log.LogWarning("An Azurite port was taken meanwhile; trying others");
                }
            }

            log.LogInformation("Azurite started: blob 127.0.0.1:{Blob}, queue 127.0.0.1:{Queue} (PID {Pid}) in {Ms} ms", server.BlobPort, server.QueuePort, server.ProcessId, clock.ElapsedMilliseconds);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Lets pages on <paramref name="origins"/> use blob URLs directly, as a web client does: an XHR PUT to an upload SAS
    /// (with <c>x-ms-blob-type</c> and <c>Content-Type</c>, the headers <c>POST /api/media/uploads</c> names) and GET/HEAD of
    /// read URLs. It is the Blob service's CORS rule (Set Blob Service Properties), as the storage account in Azure has;
    /// without one Azurite refuses every preflight. Every request header is allowed and every response header exposed.
    /// </summary>
    public async Task AllowBrowserOriginsAsync(IEnumerable<string> origins, CancellationToken ct = default)
    {
        if (_tls is not null)
        {
            throw new NotSupportedException("Set CORS on the plain-HTTP Azurite; this one serves HTTPS with a test certificate.");
        }

        var allowed = string.Join(',', origins);
        ArgumentException.ThrowIfNullOrEmpty(allowed, nameof(origins));
        var service = new BlobServiceClient(ConnectionString);
        BlobServiceProperties properties = await service.GetPropertiesAsync(ct);
        properties.Cors =
        [
            new BlobCorsRule
            {
                AllowedOrigins = allowed,
                AllowedMethods = "GET,HEAD,PUT,OPTIONS",
                AllowedHeaders = "*",
                ExposedHeaders = "*",
                MaxAgeInSeconds = 3600,
            },
        ];
        await service.SetPropertiesAsync(properties, ct);
    }

    /// <summary>Stops node (SIGTERM, then SIGKILL), keeping the ports and (if persistent) the data for <see cref="RestartAsync"/>. No-op if stopped.</summary>
    public async Task StopAsync()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_process is not null)
        {
            await _process.StopAsync(NativeMethods.SigTerm, TimeSpan.FromSeconds(5));
            _log.LogInformation("Azurite (PID {Pid}) stopped", _process.Pid);
            _process.Dispose();
            _process = null;
        }
    }

    /// <summary>Starts Azurite again on the same ports (stopping it first if it runs), with the data it kept if persistent.</summary>
    public async Task RestartAsync(CancellationToken ct = default)
    {
        await StopAsync();
        await LaunchAsync(ct);
        _log.LogInformation("Azurite restarted: blob 127.0.0.1:{Blob}, queue 127.0.0.1:{Queue} (PID {Pid})", BlobPort, QueuePort, ProcessId);
    }

    /// <summary>Stops node (SIGTERM, then SIGKILL) and deletes the temp folder. Safe to call twice.</summary>
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
                await _process.StopAsync(NativeMethods.SigTerm, TimeSpan.FromSeconds(5));
                _log.LogInformation("Azurite (PID {Pid}) stopped", _process.Pid);
                _process.Dispose();
                _process = null;
            }
        }
        finally
        {
            TempFolder.Delete(_root, _log);
        }
    }

    /// <summary>The script behind the package's <c>azurite</c> bin entry, read from its package.json rather than assumed.</summary>
    private static string FindEntry(string repoRoot)
    {
        var package = Path.Combine(repoRoot, "node_modules", "azurite");
        var manifest = Path.Combine(package, "package.json");
        if (!File.Exists(manifest))
        {
            throw new LocalServiceException($"Azurite is not installed ({manifest} is missing); run `npm ci` in {repoRoot} (tools/install-prereqs.sh does).", "");
        }

        using var json = JsonDocument.Parse(File.ReadAllText(manifest));
        var bin = json.RootElement.TryGetProperty("bin", out var b) ? b : default;
        var relative = bin.ValueKind switch
        {
            JsonValueKind.String => bin.GetString(),
            JsonValueKind.Object when bin.TryGetProperty("azurite", out var a) => a.GetString(),
            _ => null,
        } ?? throw new LocalServiceException($"{manifest} has no 'azurite' bin entry.", "");
        var entry = Path.GetFullPath(Path.Combine(package, relative));
        return File.Exists(entry) ? entry : throw new LocalServiceException($"Azurite's entry {entry} (from {manifest}) does not exist; run `npm ci`.", "");
    }

    private async Task LaunchAsync(CancellationToken ct)
    {
        // The combined entry has no switch to leave Table out, so it gets a free loopback port too and is not exposed.
        string[] args =
        [
            _entry,
            "--blobHost", "127.0.0.1", "--blobPort", $"{BlobPort}",
            "--queueHost", "127.0.0.1", "--queuePort", $"{QueuePort}",
            "--tableHost", "127.0.0.1", "--tablePort", $"{_tablePort}",
            // --location is refused together with --inMemoryPersistence; in memory, the temp folder is the working directory instead.
            .. (_persistent ? ["--location", Path.Combine(_root, "data")] : new[] { "--inMemoryPersistence" }),
            "--skipApiVersionCheck", "--loose", "--silent", "--disableTelemetry",
            .. (_tls is null ? Array.Empty<string>() : ["--cert", _tls.CertificatePemPath, "--key", _tls.KeyPemPath, "--oauth", "basic"]),
        ];
        // The blob port identifies this instance in its command line (ProcessRegistry's check).
        _process = await Readiness.ReadyOrKilledAsync(
            ServiceProcess.Start("azurite", _node, args, _root, dropRoot: false, $"--blobPort {BlobPort}", NativeMethods.SigTerm, _log),
            "Azurite", ReadyTimeout, async t =>
            {
                await Readiness.TcpAsync(BlobPort, t);
                await Readiness.TcpAsync(QueuePort, t);
            }, ct);
    }
}

/// <summary>PEM files of the certificate (and its key) Azurite serves HTTPS with.</summary>
public sealed record AzuriteTls(string CertificatePemPath, string KeyPemPath);
