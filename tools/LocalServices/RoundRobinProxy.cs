using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace DistaHilar.LocalServices;

/// <summary>
/// A load balancer in front of several instances of one app, on 127.0.0.1: each HTTP request goes to the next
/// backend in turn (method, path, query, headers and body as they came; the answer back as it is). What stands
/// between Azure SignalR Service's upstream (or any client) and a function app scaled out to several instances.
/// Records which backend served each request, so tests can see that both took part.
/// </summary>
public sealed class RoundRobinProxy : IAsyncDisposable
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Host",
    };

    private readonly WebApplication app;
    private readonly HttpMessageInvoker http = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, UseProxy = false });
    private readonly ConcurrentQueue<ProxiedRequest> served = new();
    private long next = -1;
    private int disposed;

    private RoundRobinProxy(WebApplication app, IReadOnlyList<Uri> backends, int port)
    {
        this.app = app;
        Backends = backends;
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
    }

    public IReadOnlyList<Uri> Backends { get; }

    /// <summary>http://127.0.0.1:&lt;port&gt;/</summary>
    public Uri BaseAddress { get; }

    /// <summary>Every request forwarded so far, in the order they arrived, with the backend that served it.</summary>
    public IReadOnlyList<ProxiedRequest> Served => [.. served];

    /// <summary>
    /// When set, picks the backend for a request (its index; null for the next in turn): lets a test decide which
    /// instance handles a given event. Unset, the proxy is a plain round robin.
    /// </summary>
    public Func<HttpRequest, int?>? Route { get; set; }

    /// <param name="port">0 picks a free port (e.g. <see cref="FreePort.Next"/> first when the address must be known before).</param>
    public static async Task<RoundRobinProxy> StartAsync(IReadOnlyList<Uri> backends, int port = 0, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(backends);
        if (backends.Count == 0)
        {
            throw new ArgumentException("A proxy needs at least one backend.", nameof(backends));
        }

        port = port == 0 ? FreePort.Next() : port;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, port);
            k.Limits.MaxRequestBodySize = null; // the backends apply their own limits
        });
        var app = builder.Build();
        var proxy = new RoundRobinProxy(app, backends, port);
        app.Run(proxy.ForwardAsync);
        await app.StartAsync(ct);
        return proxy;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        await app.StopAsync(CancellationToken.None);
        await app.DisposeAsync();
        http.Dispose();
    }

    private static string? Header(HttpRequest request, string name) => request.Headers[name].ToString() is { Length: > 0 } value ? value : null;

    private async Task ForwardAsync(HttpContext context)
    {
        var index = Route?.Invoke(context.Request) ?? (int)(Interlocked.Increment(ref next) % Backends.Count);
        var backend = Backends[index];
        var target = new Uri(backend, context.Request.Path.Value!.TrimStart('/') + context.Request.QueryString.Value);
        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), target);
        var hasBody = context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0;
        if (hasBody)
        {
            request.Content = new StreamContent(context.Request.Body);
        }

        foreach (var (name, values) in context.Request.Headers)
        {
            if (HopByHop.Contains(name))
            {
                continue;
            }

            if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values) && request.Content is not null)
            {
                request.Content.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        served.Enqueue(new ProxiedRequest(index, context.Request.Method, context.Request.Path.Value!, Header(context.Request, "X-ASRS-Connection-Id"), Header(context.Request, "X-ASRS-User-Id")));
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, context.RequestAborted);
        }
        catch (HttpRequestException)
        {
            context.Response.StatusCode = StatusCodes.Status502BadGateway;
            return;
        }

        using (response)
        {
            context.Response.StatusCode = (int)response.StatusCode;
            foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
            {
                if (!HopByHop.Contains(name))
                {
                    context.Response.Headers[name] = values.ToArray();
                }
            }

            context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
        }
    }
}

/// <summary>One request the proxy forwarded: the backend's index, method and path, and for upstream calls the SignalR connection and user it was about.</summary>
public sealed record ProxiedRequest(int Backend, string Method, string Path, string? ConnectionId, string? UserId);
