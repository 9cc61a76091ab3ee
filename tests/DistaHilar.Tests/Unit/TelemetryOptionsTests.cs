using DistaHilar.Functions.Hosting;
using Microsoft.Extensions.Configuration;

namespace DistaHilar.Tests.Unit;

/// <summary>Which exporters the worker turns on, from the standard settings.</summary>
public sealed class TelemetryOptionsTests
{
    [Fact]
    public void Nothing_set_exports_nothing()
    {
        var options = From([]);
        Assert.False(options.AnyExporter);
        Assert.Equal((false, (string?)null), options.ApplicationInsightsIdentity);
    }

    [Theory]
    [InlineData("APPLICATIONINSIGHTS_CONNECTION_STRING", "InstrumentationKey=00000000-0000-0000-0000-000000000000", true, false, false)]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4317", false, true, false)]
    [InlineData("Telemetry:Console", "true", false, false, true)]
    [InlineData("Telemetry:Console", "false", false, false, false)]
    public void Each_setting_turns_on_its_exporter(string key, string value, bool applicationInsights, bool otlp, bool console)
    {
        var options = From([new(key, value)]);
        Assert.Equal((applicationInsights, otlp, console), (options.ApplicationInsights, options.Otlp, options.Console));
        Assert.Equal(applicationInsights || otlp || console, options.AnyExporter);
    }

    [Theory]
    [InlineData("ClientId=11111111-2222-3333-4444-555555555555;Authorization=AAD", true, "11111111-2222-3333-4444-555555555555")]
    [InlineData("Authorization=AAD", true, null)]
    [InlineData(" authorization = aad ; ", true, null)]
    [InlineData("Authorization=AAD;Authorization=AAD", true, null)]
    [InlineData("ClientId=abc", false, null)]
    [InlineData("", false, null)]
    public void The_authentication_string_names_the_identity_that_signs_in(string authentication, bool entra, string? clientId)
    {
        var options = From([new("APPLICATIONINSIGHTS_AUTHENTICATION_STRING", authentication)]);
        Assert.Equal((entra, clientId), options.ApplicationInsightsIdentity);
    }

    private static TelemetryOptions From(KeyValuePair<string, string?>[] settings) =>
        TelemetryOptions.From(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
}
