using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DistaHilar.LocalServices;

/// <summary>
/// A throwaway coturn (Debian's <c>coturn</c> package) for WebRTC calls: STUN and TURN on one free 127.0.0.1 port (UDP
/// and TCP), relaying on 127.0.0.1, with TURN REST credentials (<c>use-auth-secret</c>, <c>static-auth-secret</c> =
/// <see cref="Secret"/>) — the scheme the app's <c>GET /api/calls/ice-servers</c> hands out with <c>Calls__TurnSecret</c>.
/// In the foreground (no daemon), so the PID we hold is turnserver's; no TLS, no CLI, its database in the temp folder.
/// </summary>
public sealed class TurnServer : IAsyncDisposable
{
    /// <summary>The realm coturn puts in its 401 challenges; long-term credential keys are MD5(username:realm:password).</summary>
    public const string Realm = "distahilar.local";

    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(20);

    private readonly ILogger _log;
    private readonly string _root;
    private ServiceProcess? _process;
    private int _disposed;

    private TurnServer(ILogger log, string root, string secret)
    {
        _log = log;
        _root = root;
        Secret = secret;
    }

    /// <summary>UDP and TCP port on 127.0.0.1.</summary>
    public int Port { get; private set; }

    /// <summary>coturn's static-auth-secret: give the app the same as <c>Calls__TurnSecret</c>.</summary>
    public string Secret { get; }

    /// <summary>PID of turnserver, or null once stopped.</summary>
    public int? ProcessId => _process is { HasExited: false } p ? p.Pid : null;

    /// <summary>What a dev command records in its pid file (see <see cref="ProcessRegistry"/>).</summary>
    public TrackedProcess? Tracked => _process is { HasExited: false } p ? p.Tracked : null;

    /// <summary>The app settings that make <c>GET /api/calls/ice-servers</c> hand out working credentials for this server.</summary>
    public IReadOnlyDictionary<string, string?> AppSettings => new Dictionary<string, string?>
    {
        ["Calls__StunUrls"] = $"stun:127.0.0.1:{Port}",
        ["Calls__TurnUrls"] = $"turn:127.0.0.1:{Port}?transport=udp,turn:127.0.0.1:{Port}?transport=tcp",
        ["Calls__TurnSecret"] = Secret,
    };

    /// <param name="secret">The static-auth-secret; null makes a random one for this run.</param>
    /// <exception cref="LocalServiceException">turnserver is missing, or it did not answer a STUN request in time.</exception>
    public static async Task<TurnServer> StartAsync(string? secret = null, ILogger? log = null, CancellationToken ct = default)
    {
        log ??= NullLogger.Instance;
        var clock = Stopwatch.StartNew();
        var executable = Executables.Find("turnserver");
        var server = new TurnServer(log, ServiceAccount.CreateTempDirectory("distahilar-coturn-", forService: false), secret ?? Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)));
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                server.Port = FreeUdpAndTcpPort();
                server.WriteConfig();
                try
                {
                    await server.LaunchAsync(executable, ct);
                    break;
                }
                catch (LocalServiceException e) when (attempt < 3 && e.LogTail.Contains("Address already in use", StringComparison.Ordinal))
                {
                    // coturn does not exit on a taken port, it keeps retrying the bind: the probe's timeout ends it.
                    log.LogWarning("TURN port {Port} was taken meanwhile; trying another", server.Port);
                }
            }

            log.LogInformation("coturn started on 127.0.0.1:{Port} (PID {Pid}) in {Ms} ms", server.Port, server.ProcessId, clock.ElapsedMilliseconds);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops turnserver (SIGTERM, then SIGKILL) and deletes the temp folder. Safe to call twice.</summary>
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
                _log.LogInformation("coturn on port {Port} (PID {Pid}) stopped", Port, _process.Pid);
                _process.Dispose();
                _process = null;
            }
        }
        finally
        {
            TempFolder.Delete(_root, _log);
        }
    }

    /// <summary>FreePort checks TCP only; coturn needs the UDP port of the same number as well.</summary>
    private static int FreeUdpAndTcpPort()
    {
        for (var attempt = 0; ; attempt++)
        {
            var port = FreePort.Next();
            try
            {
                using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                udp.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException) when (attempt < 20)
            {
            }
        }
    }

    private void WriteConfig()
    {
        // A config file of our own, so /etc/turnserver.conf (the package's system-wide server) is never read.
        File.WriteAllText(Path.Combine(_root, "turnserver.conf"), $"""
            # Written by DistaHilar.LocalServices: a local TURN server for the dev stack.
            listening-ip=127.0.0.1
            relay-ip=127.0.0.1
            listening-port={Port}
            realm={Realm}
            use-auth-secret
            static-auth-secret={Secret}
            # Both call ends run on this machine, so relayed peers are loopback addresses (never do this in production).
            allow-loopback-peers
            no-tls
            no-dtls
            no-cli
            no-software-attribute
            pidfile={Path.Combine(_root, "turnserver.pid")}
            userdb={Path.Combine(_root, "turndb")}
            log-file=stdout
            simple-log

            """);
    }

    private async Task LaunchAsync(string executable, CancellationToken ct)
    {
        // No -o: in the foreground the PID we hold is turnserver's; the config path (in our temp folder) is the marker.
        var config = Path.Combine(_root, "turnserver.conf");
        _process = await Readiness.ReadyOrKilledAsync(
            ServiceProcess.Start("coturn", executable, ["-c", config], _root, dropRoot: false, _root, NativeMethods.SigTerm, _log),
            $"coturn on port {Port}", ReadyTimeout, ProbeAsync, ct);
    }

    /// <summary>A STUN Binding request over UDP answered with a success (RFC 5389), then a TCP accept.</summary>
    private async Task ProbeAsync(CancellationToken ct)
    {
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var request = new byte[20];
        request[1] = 0x01; // Binding request, no attributes
        request[4] = 0x21;
        request[5] = 0x12;
        request[6] = 0xA4;
        request[7] = 0x42; // magic cookie
        RandomNumberGenerator.Fill(request.AsSpan(8, 12));
        await udp.SendAsync(request, new IPEndPoint(IPAddress.Loopback, Port), ct);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
        wait.CancelAfter(TimeSpan.FromMilliseconds(500));
        var answer = await udp.ReceiveAsync(wait.Token);
        if (answer.Buffer.Length < 20 || answer.Buffer[0] != 0x01 || answer.Buffer[1] != 0x01 || !answer.Buffer.AsSpan(8, 12).SequenceEqual(request.AsSpan(8, 12)))
        {
            throw new InvalidOperationException("The answer to a STUN Binding request was not a Binding success.");
        }

        await Readiness.TcpAsync(Port, ct);
    }
}
