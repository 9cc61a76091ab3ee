using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using DistaHilar.Core.Telemetry;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace DistaHilar.Functions.Hosting;

/// <summary>
/// OpenTelemetry for the worker: one trace per invocation (the worker's <c>function</c> span, parented on the
/// host's trace context) with its database commands (Npgsql) and outgoing HTTP calls (the SignalR Service's REST
/// API, storage) as child spans; the app's meter (<see cref="AppMetrics"/>) with Npgsql's and HttpClient's metrics;
/// and the worker's logs. Exported as <see cref="TelemetryOptions"/> says.
/// </summary>
public static class Telemetry
{
    /// <summary>Npgsql's ActivitySource and Meter.</summary>
    private const string NpgsqlSource = "Npgsql";

    /// <summary>The worker's own gRPC stream to the host: one call as long as the process, not a dependency to trace.</summary>
    private const string HostRpcPath = "/AzureFunctionsRpcMessages.FunctionRpc/";

    public static IServiceCollection AddDistaHilarTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var options = TelemetryOptions.From(configuration);
        if (!options.AnyExporter)
        {
            return services;
        }

        var telemetry = services.AddOpenTelemetry()
            .UseFunctionsWorkerDefaults()
            .WithTracing(tracing => tracing
                .AddNpgsql()
                .AddHttpClientInstrumentation(o => o.FilterHttpRequestMessage = r => r.RequestUri?.AbsolutePath.StartsWith(HostRpcPath, StringComparison.Ordinal) != true))
            .WithMetrics(metrics => metrics
                .AddMeter(AppMetrics.MeterName, NpgsqlSource)
                .AddHttpClientInstrumentation());
        if (options.ApplicationInsights)
        {
            var (entra, clientId) = options.ApplicationInsightsIdentity;
            telemetry.UseAzureMonitorExporter(o =>
            {
                o.ConnectionString = options.ApplicationInsightsConnectionString;
                if (entra)
                {
                    // infra/bicep turns Application Insights' local (key) auth off: the app's identity signs in.
                    o.Credential = new ManagedIdentityCredential(clientId is null ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.FromUserAssignedClientId(clientId));
                }
            });
        }

        if (options.Otlp)
        {
            telemetry.UseOtlpExporter(); // OTEL_EXPORTER_OTLP_ENDPOINT, _PROTOCOL, _HEADERS as the specification reads them
        }

        if (options.Console)
        {
            telemetry.WithTracing(t => t.AddConsoleExporter()).WithMetrics(m => m.AddConsoleExporter());
        }

        return services;
    }
}
