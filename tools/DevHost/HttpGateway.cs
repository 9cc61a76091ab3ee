using System.Net;
using System.Text.Json;
using DistaHilar.DevHost.Rpc;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace DistaHilar.DevHost;

/// <summary>
/// Serves the app's HTTP triggers the way the Functions host does with ASP.NET Core integration: the original
/// request is proxied to the worker's own Kestrel with <c>x-ms-invocation-id</c>, while a matching
/// InvocationRequest (route and query values as trigger metadata) goes over gRPC; the worker pairs the two.
/// </summary>
internal sealed class HttpGateway(WorkerChannel channel, Uri workerHttpUri, TimeSpan invocationTimeout, ILogger log) : IDisposable
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization", "TE", "Trailer",
        "Transfer-Encoding", "Upgrade", "Host", "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host",
    };

    private readonly HttpClient worker = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
        ConnectTimeout = TimeSpan.FromSeconds(5),
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    public void Dispose() => worker.Dispose();

    /// <summary>
    /// Maps one HTTP trigger. <paramref name="order"/> is its place in the function list: like the Functions host, whose
    /// route table is first-match in registration order with no ASP.NET Core precedence (a literal segment does not beat
    /// a parameter), the earlier function wins when two routes match, so an app that relies on precedence fails here too.
    /// Route constraints are the host's: a path they refuse never reaches the worker (404, no body).
    /// </summary>
    public void Map(IEndpointRouteBuilder routes, string routePrefix, FunctionDescriptor function, HttpTrigger trigger, int order)
    {
        var pattern = "/" + string.Join('/', new[] { routePrefix, trigger.Route.Trim('/') }.Where(p => p.Length > 0));
        RequestDelegate handler = context => ForwardAsync(context, function);
        var endpoint = trigger.Methods.Count == 0 ? routes.Map(pattern, handler) : routes.MapMethods(pattern, trigger.Methods, handler);
        endpoint.WithDisplayName(function.Name).WithOrder(order);
    }

    private async Task ForwardAsync(HttpContext context, FunctionDescriptor function)
    {
        var invocationId = Guid.NewGuid().ToString();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        timeout.CancelAfter(invocationTimeout);

        var invocation = channel.InvokeAsync(NewRequest(context, function, invocationId), timeout.Token);
        try
        {
            using var forward = BuildForward(context, invocationId);
            using var response = await worker.SendAsync(forward, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            await CopyResponseAsync(context, response, timeout.Token);
        }
        catch (HttpRequestException ex)
        {
            log.LogError(ex, "Forwarding {Function} to the worker failed", function.Name);
            await WriteUnavailableAsync(context);
        }
        catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
        {
            log.LogError("{Function} did not answer within {Timeout}", function.Name, invocationTimeout);
            await WriteUnavailableAsync(context);
        }

        try
        {
            var result = await invocation;
            if (result.Result.Status != StatusResult.Types.Status.Success)
            {
                log.LogError("{Function} ({InvocationId}) failed: {Error}", function.Name, invocationId, result.Result.Exception?.Message);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WorkerUnavailableException)
        {
            log.LogWarning("{Function} ({InvocationId}) has no invocation result: {Reason}", function.Name, invocationId, ex.Message);
        }
    }

    private static InvocationRequest NewRequest(HttpContext context, FunctionDescriptor function, string invocationId)
    {
        var http = new RpcHttp { Method = context.Request.Method, Url = context.Request.GetDisplayUrl() };
        var request = Invocations.New(function, invocationId, new TypedData { Http = http });

        // Binding data: parameters such as `string chatId` bind from these entries.
        var query = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in context.Request.Query)
        {
            query[key] = value.ToString();
            request.TriggerMetadata[key] = new TypedData { String = value.ToString() };
        }

        foreach (var (key, value) in context.Request.RouteValues)
        {
            if (value is not null)
            {
                request.TriggerMetadata[key] = new TypedData { String = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "" };
            }
        }

        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        request.TriggerMetadata["Query"] = new TypedData { Json = JsonSerializer.Serialize(query) };
        request.TriggerMetadata["Headers"] = new TypedData { Json = JsonSerializer.Serialize(headers) };
        return request;
    }

    private HttpRequestMessage BuildForward(HttpContext context, string invocationId)
    {
        var source = context.Request;
        var target = new Uri(workerHttpUri, source.PathBase.Add(source.Path).ToUriComponent() + source.QueryString.ToUriComponent());
        var message = new HttpRequestMessage(new HttpMethod(source.Method), target) { Version = HttpVersion.Version11 };

        if (source.ContentLength > 0 || source.Headers.TransferEncoding.Count > 0)
        {
            message.Content = new StreamContent(source.Body);
        }
        else if (source.ContentLength == 0)
        {
            message.Content = new ByteArrayContent([]);
        }

        foreach (var (name, value) in source.Headers)
        {
            if (HopByHop.Contains(name))
            {
                continue;
            }

            if (!message.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)value))
            {
                message.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)value);
            }
        }

        message.Headers.Host = source.Host.Value;
        message.Headers.TryAddWithoutValidation("x-ms-invocation-id", invocationId);

        // What Azure's front end adds: the client's address as seen by the platform, never the client's own claim.
        message.Headers.TryAddWithoutValidation("X-Forwarded-For", context.Connection.RemoteIpAddress?.ToString() ?? "");
        message.Headers.TryAddWithoutValidation("X-Forwarded-Proto", source.Scheme);
        message.Headers.TryAddWithoutValidation("X-Forwarded-Host", source.Host.Value);
        return message;
    }

    private static async Task CopyResponseAsync(HttpContext context, HttpResponseMessage response, CancellationToken ct)
    {
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var header in response.Headers.Concat(response.Content.Headers))
        {
            if (!HopByHop.Contains(header.Key))
            {
                context.Response.Headers[header.Key] = header.Value.ToArray();
            }
        }

        await response.Content.CopyToAsync(context.Response.Body, ct);
    }

    private static async Task WriteUnavailableAsync(HttpContext context)
    {
        if (context.Response.HasStarted)
        {
            context.Abort();
            return;
        }

        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = "5";
        await context.Response.WriteAsJsonAsync(
            new { type = "about:blank", title = "The function host could not reach the worker.", status = 503 },
            options: null,
            contentType: "application/problem+json");
    }
}
