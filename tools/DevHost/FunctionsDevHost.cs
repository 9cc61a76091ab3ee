using System.Net;
using System.Text.Json;
using Azure.Storage.Queues;
using DistaHilar.DevHost.Rpc;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DistaHilar.DevHost;

/// <summary>
/// A local stand-in for the Azure Functions host: starts the built isolated worker, speaks the host's gRPC
/// protocol to it, serves its HTTP triggers and runs its queue and timer triggers. Use it as a command
/// (<c>DistaHilar.DevHost --app &lt;dir&gt;</c>) or start it from tests on ephemeral ports.
/// </summary>
public sealed class FunctionsDevHost : IAsyncDisposable
{
    /// <summary>The app setting that names the host id (the Functions host reads AzureFunctionsWebHost:hostid).</summary>
    public const string HostIdSetting = "AzureFunctionsWebHost__hostid";

    /// <summary>
    /// A DevHost-only setting (a TimeSpan, e.g. 00:00:15) for how long a dequeued queue message stays invisible, in
    /// place of the Functions host's fixed 10 minutes: outage tests shorten it to see the messages a killed worker had
    /// taken processed afterwards, within a test's time.
    /// </summary>
    public const string QueueLeaseSetting = "DevHost__QueueMessageLease";

    private const string HostVersion = "4.1000.0";
    private readonly WebApplication grpc;
    private readonly WorkerProcess worker;
    private readonly CancellationTokenSource stopping = new();
    private WebApplication? http;
    private HttpGateway? gateway;
    private AdminInvoker? admin;
    private readonly System.Collections.Concurrent.ConcurrentQueue<TimerRun> timerRuns = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> timerLocks = new(StringComparer.Ordinal);
    private Task triggers = Task.CompletedTask;
    private int disposed;

    private FunctionsDevHost(WebApplication grpc, WorkerProcess worker, Task<int> completion)
    {
        this.grpc = grpc;
        this.worker = worker;
        Completion = completion;
    }

    /// <summary>The app's HTTP base address, e.g. http://127.0.0.1:7071/.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    public IReadOnlyList<FunctionDescriptor> Functions { get; private set; } = [];

    public string RoutePrefix { get; private set; } = "api";

    /// <summary>The CORS the front end applies: local.settings.json's Host section merged with the options'.</summary>
    public HostCors Cors { get; private init; } = new([], false);

    public int WorkerProcessId => worker.Id;

    /// <summary>The id passed to the worker on its command line (lets a pid file recognise the process).</summary>
    public string WorkerId { get; private init; } = "";

    /// <summary>
    /// The app's host id (setting <c>AzureFunctionsWebHost__hostid</c>, as in the Functions host): instances with the same
    /// id and storage are one app, whose timers run on one of them at a time. Without the setting each DevHost has an id
    /// of its own (as separate apps).
    /// </summary>
    public string HostId { get; private init; } = "";

    /// <summary>Every timer invocation this host made on a schedule (not those through the admin API), oldest first.</summary>
    public IReadOnlyList<TimerRun> TimerRuns => [.. timerRuns];

    /// <summary>The timer functions whose schedule this instance runs now (it holds their lock).</summary>
    public IReadOnlyCollection<string> TimersHeld => [.. timerLocks.Where(l => l.Value).Select(l => l.Key)];

    /// <summary>Completes with the worker's exit code when it exits; a worker that dies means the host is broken.</summary>
    public Task<int> Completion { get; }

    public static async Task<FunctionsDevHost> StartAsync(DevHostOptions options, CancellationToken ct = default)
    {
        var appDirectory = Path.GetFullPath(options.AppDirectory);
        var hostJson = HostJson.Load(appDirectory);
        var settings = LocalSettings.Load(options.ReadLocalSettings ? appDirectory : null, options.Settings);
        var cors = HostCors.From(options, appDirectory); // before the worker starts: a bad setting fails at once
        var log = options.LoggerFactory.CreateLogger("DevHost");
        var channel = new WorkerChannel(options.LoggerFactory.CreateLogger("Worker"), hostJson.Logging);

        var grpc = await StartGrpcAsync(channel, options.LoggerFactory, ct);
        var endpoint = new Uri(grpc.Urls.First());
        var workerId = Guid.NewGuid().ToString();
        var worker = WorkerProcess.Start(appDirectory, endpoint, workerId, settings, options.LoggerFactory.CreateLogger("Worker"));
        var hostId = settings.TryGetValue(HostIdSetting, out var configuredId) && !string.IsNullOrWhiteSpace(configuredId) ? configuredId : Guid.NewGuid().ToString("N");
        var host = new FunctionsDevHost(grpc, worker, worker.Exited) { RoutePrefix = hostJson.RoutePrefix, WorkerId = workerId, Cors = cors, HostId = hostId };
        try
        {
            using var startup = CancellationTokenSource.CreateLinkedTokenSource(ct);
            startup.CancelAfter(options.StartTimeout);
            var functions = await InitializeWorkerAsync(channel, appDirectory, worker, startup.Token);
            var workerHttp = await channel.Initialized;
            await WaitUntilListeningAsync(new Uri(workerHttp.Capabilities["HttpUri"]), worker, startup.Token);
            host.Functions = functions;
            await host.StartFrontEndAsync(options, hostJson, channel, workerHttp, settings, log, ct);
            log.LogInformation("Worker {Pid} is serving {Count} functions at {Url}", worker.Id, functions.Count, host.BaseAddress);
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>Invokes a non-HTTP function once with the given input, like the admin API of the Functions host.</summary>
    public Task<bool> InvokeAsync(string functionName, string input, CancellationToken ct = default) =>
        admin?.InvokeAsync(functionName, input, ct) ?? throw new InvalidOperationException("The host is not started.");

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        await stopping.CancelAsync();
        await triggers.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (http is not null)
        {
            await http.StopAsync(CancellationToken.None);
            await http.DisposeAsync();
        }

        gateway?.Dispose();
        await worker.DisposeAsync();
        await grpc.StopAsync(CancellationToken.None);
        await grpc.DisposeAsync();
        stopping.Dispose();
    }

    private static async Task<WebApplication> StartGrpcAsync(WorkerChannel channel, ILoggerFactory loggerFactory, CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton(channel);
        builder.Services.AddGrpc(o =>
        {
            o.MaxReceiveMessageSize = null;
            o.MaxSendMessageSize = null;
        });
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        var app = builder.Build();
        app.MapGrpcService<FunctionRpcService>();
        await app.StartAsync(ct);
        return app;
    }

    private static async Task<IReadOnlyList<FunctionDescriptor>> InitializeWorkerAsync(WorkerChannel channel, string appDirectory, WorkerProcess worker, CancellationToken ct)
    {
        // Each step also watches the worker: one that dies during start-up fails fast instead of timing out.
        await Until(channel.Started, worker, "connect", ct);
        var init = new WorkerInitRequest { HostVersion = HostVersion, WorkerDirectory = appDirectory, FunctionAppDirectory = appDirectory };
        await channel.SendAsync(new StreamingMessage { RequestId = WorkerChannel.NewId(), WorkerInitRequest = init }, ct);
        var initialized = await Until(channel.Initialized, worker, "initialise", ct);
        EnsureSuccess(initialized.Result, "Worker initialisation");
        if (!initialized.Capabilities.ContainsKey("HttpUri"))
        {
            throw new InvalidOperationException("The worker did not report an HttpUri: is ASP.NET Core integration (ConfigureFunctionsWebApplication) on?");
        }

        await channel.SendAsync(new StreamingMessage { RequestId = WorkerChannel.NewId(), FunctionsMetadataRequest = new FunctionsMetadataRequest { FunctionAppDirectory = appDirectory } }, ct);
        var metadata = await Until(channel.Metadata, worker, "index its functions", ct);
        EnsureSuccess(metadata.Result, "Function indexing");
        var results = metadata.UseDefaultMetadataIndexing ? ReadFunctionsMetadataFile(appDirectory) : metadata.FunctionMetadataResults.ToList();

        var functions = results.Select(FunctionDescriptor.From).ToList();
        var loads = functions.Select(f => channel.LoadAsync(new FunctionLoadRequest { FunctionId = f.FunctionId, Metadata = f.Metadata }, ct));
        foreach (var load in await Until(Task.WhenAll(loads), worker, "load its functions", ct))
        {
            EnsureSuccess(load.Result, $"Loading function {load.FunctionId}");
        }

        return functions;
    }

    /// <summary>The worker reports its HttpUri before its Kestrel accepts connections; requests wait for that.</summary>
    private static async Task WaitUntilListeningAsync(Uri workerHttp, WorkerProcess worker, CancellationToken ct)
    {
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (worker.Exited.IsCompleted)
            {
                throw new WorkerUnavailableException($"The worker exited with code {worker.Exited.Result} while starting its HTTP server.");
            }

            try
            {
                using var probe = new System.Net.Sockets.TcpClient();
                await probe.ConnectAsync(workerHttp.Host, workerHttp.Port, ct);
                return;
            }
            catch (System.Net.Sockets.SocketException)
            {
                await Task.Delay(25, ct);
            }
        }
    }

    private static List<RpcFunctionMetadata> ReadFunctionsMetadataFile(string appDirectory)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(appDirectory, "functions.metadata")));
        return doc.RootElement.EnumerateArray().Select(f =>
        {
            var metadata = new RpcFunctionMetadata
            {
                Name = f.GetProperty("name").GetString()!,
                ScriptFile = f.GetProperty("scriptFile").GetString()!,
                EntryPoint = f.GetProperty("entryPoint").GetString()!,
                Language = "dotnet-isolated",
                Directory = appDirectory,
                FunctionId = Guid.NewGuid().ToString(),
            };
            metadata.RawBindings.AddRange(f.GetProperty("bindings").EnumerateArray().Select(b => b.GetRawText()));
            return metadata;
        }).ToList();
    }

    private async Task StartFrontEndAsync(DevHostOptions options, HostJson hostJson, WorkerChannel channel, WorkerInitResponse init, IReadOnlyDictionary<string, string> settings, ILogger log, CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddSingleton(options.LoggerFactory);
        builder.Services.AddRouting();
        builder.Services.AddCors(o => o.AddDefaultPolicy(Cors.Policy()));
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, options.HttpPort);
            k.Limits.MaxRequestBodySize = 210 * 1024 * 1024; // Azure Functions' HTTP request limit.
        });
        var app = builder.Build();

        // Ahead of routing, as in the Functions host: preflights are answered here and never reach a function.
        if (Cors.Enabled)
        {
            app.UseCors();
            log.LogInformation("CORS allows {Origins}{Credentials}", string.Join(", ", Cors.Origins), Cors.SupportCredentials ? " with credentials" : "");
        }

        app.UseRouting();
        gateway = new HttpGateway(channel, new Uri(init.Capabilities["HttpUri"]), options.HttpTimeout, options.LoggerFactory.CreateLogger("DevHost.Http"));
        var order = 0;
        foreach (var function in Functions)
        {
            if (function.Trigger is HttpTrigger trigger)
            {
                gateway.Map(app, hostJson.RoutePrefix, function, trigger, order++);
            }
        }

        admin = new AdminInvoker(Functions, channel, options.LoggerFactory.CreateLogger("DevHost.Admin"), stopping.Token);
        app.MapPost("/admin/functions/{name}", admin.HandleAsync);
        app.MapGet("/admin/host/status", () => Results.Json(new { state = "Running", version = HostVersion }));

        await app.StartAsync(ct);
        http = app;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.EndsWith('/') ? address : address + "/");

        if (options.RunNonHttpTriggers)
        {
            triggers = RunTriggersAsync(options, hostJson, channel, settings, log);
        }
    }

    private Task RunTriggersAsync(DevHostOptions options, HostJson hostJson, WorkerChannel channel, IReadOnlyDictionary<string, string> settings, ILogger log)
    {
        var running = new List<Task>();
        // As in the Functions host, timers take their singleton lock in AzureWebJobsStorage; without it (no storage)
        // every instance runs them.
        var timerContainer = settings.TryGetValue("AzureWebJobsStorage", out var storage) && !string.IsNullOrWhiteSpace(storage)
            ? new Azure.Storage.Blobs.BlobServiceClient(storage).GetBlobContainerClient(TimerSingleton.Container)
            : null;
        var queues = settings.TryGetValue(QueueLeaseSetting, out var lease) && TimeSpan.TryParse(lease, System.Globalization.CultureInfo.InvariantCulture, out var leaseTime) && leaseTime > TimeSpan.Zero
            ? hostJson.Queues with { Lease = leaseTime }
            : hostJson.Queues;
        foreach (var function in Functions)
        {
            var logger = options.LoggerFactory.CreateLogger($"DevHost.{function.Name}");
            switch (function.Trigger)
            {
                case QueueTrigger queue:
                    if (!settings.TryGetValue(queue.Connection, out var connection) || string.IsNullOrWhiteSpace(connection))
                    {
                        log.LogError("{Function}: setting '{Connection}' is missing, so its queue is not polled", function.Name, queue.Connection);
                        continue;
                    }

                    // The host encodes nothing itself: messages are read raw and decoded per host.json.
                    var client = new QueueServiceClient(connection, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });
                    var listener = new QueueListener(function, client.GetQueueClient(queue.QueueName), client.GetQueueClient(queue.QueueName + "-poison"), queues, channel, options.TimeProvider, logger);
                    running.Add(Task.Run(() => listener.RunAsync(stopping.Token)));
                    break;
                case TimerTrigger timer:
                    var singleton = timerContainer is null
                        ? null
                        : new TimerSingleton(timerContainer, HostId, function.Name, options.TimerLockPeriod, options.TimerLockRecoveryInterval, options.TimeProvider, logger);
                    var name = function.Name;
                    var timerListener = new TimerListener(function, timer, channel, options.TimeProvider, singleton, timerRuns.Enqueue, held => timerLocks[name] = held, logger);
                    running.Add(Task.Run(() => timerListener.RunAsync(stopping.Token)));
                    break;
            }
        }

        return Task.WhenAll(running);
    }

    private static async Task<T> Until<T>(Task<T> step, WorkerProcess worker, string what, CancellationToken ct)
    {
        await ((Task)Task.WhenAny(step, worker.Exited)).WaitAsync(ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (ct.IsCancellationRequested && !step.IsCompleted)
        {
            throw new TimeoutException($"The worker did not {what} in time.");
        }

        if (!step.IsCompleted)
        {
            throw new WorkerUnavailableException($"The worker exited with code {worker.Exited.Result} before it could {what}; see its log above.");
        }

        return await step;
    }

    private static void EnsureSuccess(StatusResult? result, string what)
    {
        if (result is not null && result.Status != StatusResult.Types.Status.Success)
        {
            throw new InvalidOperationException($"{what} failed: {result.Exception?.Message ?? result.Result}");
        }
    }
}
