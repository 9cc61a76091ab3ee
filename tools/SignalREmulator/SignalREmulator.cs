using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DistaHilar.SignalREmulator;

/// <summary>
/// A local Azure SignalR Service in serverless mode: the data-plane REST API, client negotiate and WebSockets
/// (JSON hub protocol), and upstream calls to the app. All state is in memory. Use it as a command
/// (<c>DistaHilar.SignalREmulator --port 8888</c>) or start it from tests on a free port.
/// </summary>
public sealed class SignalREmulator : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ClientEndpoint clients;
    private readonly Upstream upstream;
    private readonly CancellationTokenSource stopping;
    private readonly Registry registry;
    private readonly RestCallCounter restCalls;
    private readonly string? stateFile;
    private int disposed;

    private SignalREmulator(WebApplication app, ClientEndpoint clients, Upstream upstream, CancellationTokenSource stopping, Uri endpoint, string accessKey, Registry registry, RestCallCounter restCalls, string? stateFile)
    {
        this.app = app;
        this.registry = registry;
        this.restCalls = restCalls;
        this.stateFile = stateFile;
        this.clients = clients;
        this.upstream = upstream;
        this.stopping = stopping;
        Endpoint = endpoint;
        AccessKey = accessKey;
    }

    private bool[] restPausedFlag = [false];
    private RestHold restHold = new();

    /// <summary>
    /// While true the server-side REST API answers 503 (clients still connect): a service coming back from an outage
    /// in stages, so tests can have clients reconnected before the app's retries get through.
    /// </summary>
    public bool RestPaused
    {
        get => Volatile.Read(ref restPausedFlag[0]);
        set => Volatile.Write(ref restPausedFlag[0], value);
    }

    /// <summary>
    /// Holds every server-side REST call from now until the result is disposed (then they are handled); calls
    /// the app cancels meanwhile are dropped. The real service is never this slow on purpose: tests use
    /// it to see what the app answers while a call to the service is still open.
    /// </summary>
    public IDisposable HoldRest() => restHold.Hold();

    /// <summary>REST calls being held by <see cref="HoldRest"/> right now.</summary>
    public int HeldRestCalls => restHold.Waiting;

    /// <summary>The service's base address, <c>http://127.0.0.1:&lt;port&gt;</c> (no trailing slash).</summary>
    public Uri Endpoint { get; }

    public string AccessKey { get; }

    /// <summary>
    /// The server-side REST requests received since the start, by kind (those refused with 503 while
    /// <see cref="RestPaused"/> are not counted). Subtract two readings to count the calls of a period.
    /// </summary>
    public RestCalls RestCalls => restCalls.Read();

    /// <summary>Send-to-group calls received for <paramref name="group"/> since the start (counted like <see cref="RestCalls"/>).</summary>
    public long SendsToGroup(string group) => restCalls.SendsToGroup(group);

    /// <summary>
    /// Completes when the client sessions open now have ended and posted their disconnect events upstream, e.g. so
    /// that a caller that closed its clients can let the app catch up before it measures or stops.
    /// </summary>
    public Task SessionsEnded => clients.Sessions;

    /// <summary>In the form the Azure SDKs and the app's settings take.</summary>
    public string ConnectionString => $"Endpoint=http://127.0.0.1;Port={Endpoint.Port};AccessKey={AccessKey};Version=1.0;";

    public static async Task<SignalREmulator> StartAsync(EmulatorOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var accessKey = options.AccessKey ?? Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(options.LoggerFactory);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, options.Port));
        var app = builder.Build();

        // The port is known only once Kestrel listens, and the handlers need it for token audiences: bind them late.
        // Shared with the instance (a one-element array, since the handler captures it before the instance exists).
        var restPaused = new[] { options.RestPaused };
        var restHold = new RestHold();
        ClientEndpoint? clients = null;
        RestApi? rest = null;
        var stopping = new CancellationTokenSource();
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero }); // hub-protocol pings do this job
        app.Use(async (HttpContext context, RequestDelegate _) =>
        {
            var path = context.Request.Path.Value ?? "";
            if (AllowBrowsers(context))
            {
                return;
            }

            if (path.TrimEnd('/') == "/client/negotiate" && HttpMethods.IsPost(context.Request.Method))
            {
                await clients!.NegotiateAsync(context);
            }
            else if (path.TrimEnd('/') == "/client")
            {
                await clients!.ConnectAsync(context, stopping.Token);
            }
            else if (path.StartsWith("/api/", StringComparison.Ordinal))
            {
                if (Volatile.Read(ref restPaused[0]))
                {
                    context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                    return;
                }

                if (await restHold.PassAsync(context.RequestAborted))
                {
                    await rest!.HandleAsync(context);
                }
            }
            else
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
            }
        });

        var log = options.LoggerFactory.CreateLogger("SignalREmulator");
        var hubNames = new HubNames();
        var upstream = new Upstream(options.UpstreamUrlTemplate, accessKey, options.UpstreamTimeout, hubNames, log);
        try
        {
            await app.StartAsync(ct);
        }
        catch
        {
            upstream.Dispose();
            stopping.Dispose();
            await app.DisposeAsync();
            throw;
        }

        var port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
        var endpoint = new Uri($"http://127.0.0.1:{port}");
        var auth = new Auth(accessKey, endpoint, options.TimeProvider);
        var registry = new Registry(options.TimeProvider);
        if (options.StateFile is { } stateFile)
        {
            registry.Load(stateFile);
        }

        clients = new ClientEndpoint(auth, registry, upstream, hubNames, options, log);
        var restCalls = new RestCallCounter();
        rest = new RestApi(auth, registry, restCalls, log);
        log.LogInformation("SignalR emulator listening on {Endpoint}, upstream {Upstream}", endpoint, options.UpstreamUrlTemplate ?? "(none)");
        return new SignalREmulator(app, clients, upstream, stopping, endpoint, accessKey, registry, restCalls, options.StateFile) { restPausedFlag = restPaused, restHold = restHold };
    }

    /// <summary>The URL and token an app's negotiate hands a client: the same pair the Azure SDKs produce.</summary>
    public (string Url, string AccessToken) ClientAccess(string hub, string? userId, TimeSpan? lifetime = null, IReadOnlyDictionary<string, string>? claims = null) =>
        (EmulatorTokens.ClientUrl(Endpoint, hub), EmulatorTokens.ForClient(AccessKey, Endpoint, hub, userId, lifetime ?? TimeSpan.FromHours(1), claims));

    /// <summary>A REST token for one request URL.</summary>
    public string RestToken(Uri requestUrl, TimeSpan? lifetime = null) =>
        EmulatorTokens.ForRest(AccessKey, requestUrl, lifetime ?? TimeSpan.FromHours(1));

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        // Closing sessions first lets Kestrel stop at once instead of waiting on open WebSockets; a session
        // posts its disconnect upstream on the way out unless the upstream is already being cut off.
        await stopping.CancelAsync();
        await clients.Sessions.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await app.StopAsync(CancellationToken.None);
        await app.DisposeAsync();
        upstream.Dispose();
        stopping.Dispose();
        if (stateFile is not null)
        {
            registry.Save(stateFile);
        }
    }

    /// <summary>Browsers on another origin (a local web client) need CORS for negotiate; true when the preflight was answered.</summary>
    private static bool AllowBrowsers(HttpContext context)
    {
        var origin = context.Request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return false;
        }

        context.Response.Headers.AccessControlAllowOrigin = origin;
        context.Response.Headers.AccessControlAllowCredentials = "true";
        if (!HttpMethods.IsOptions(context.Request.Method))
        {
            return false;
        }

        context.Response.Headers.AccessControlAllowMethods = "GET, POST, OPTIONS";
        context.Response.Headers.AccessControlAllowHeaders = context.Request.Headers.AccessControlRequestHeaders.ToString();
        context.Response.StatusCode = StatusCodes.Status204NoContent;
        return true;
    }
}
