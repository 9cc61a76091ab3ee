using DistaHilar.DevHost;
using Microsoft.Extensions.Logging;

namespace DistaHilar.Tests.Unit;

public sealed class HostJsonTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("hostjson").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void An_empty_host_json_gets_the_Functions_host_defaults()
    {
        File.WriteAllText(Path.Combine(folder, "host.json"), """{ "version": "2.0" }""");

        var host = HostJson.Load(folder);

        Assert.Equal("api", host.RoutePrefix);
        Assert.Equal((16, 5, TimeSpan.Zero, TimeSpan.FromMinutes(1), true), (host.Queues.BatchSize, host.Queues.MaxDequeueCount, host.Queues.VisibilityTimeout, host.Queues.MaxPollingInterval, host.Queues.Base64Encoding));
        Assert.Equal(8 * Environment.ProcessorCount, host.Queues.NewBatchThreshold);
    }

    [Fact]
    public void The_repository_host_json_is_what_the_app_runs_with()
    {
        var host = HostJson.Load(Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../")));

        Assert.Equal("api", host.RoutePrefix);
        Assert.Equal(5, host.Queues.MaxDequeueCount);
        Assert.True(host.Queues.Base64Encoding);
        Assert.False(host.Logging.IsEnabled("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Information));
        Assert.True(host.Logging.IsEnabled("Function.Health.User", LogLevel.Information));
    }

    [Fact]
    public void Keys_are_case_insensitive_and_encoding_none_is_honoured()
    {
        File.WriteAllText(Path.Combine(folder, "host.json"), """
            { "Extensions": { "HTTP": { "RoutePrefix": "" }, "queues": { "BatchSize": 2, "messageEncoding": "none", "visibilityTimeout": "00:00:07" } } }
            """);

        var host = HostJson.Load(folder);

        Assert.Equal("", host.RoutePrefix);
        Assert.Equal((2, false, TimeSpan.FromSeconds(7)), (host.Queues.BatchSize, host.Queues.Base64Encoding, host.Queues.VisibilityTimeout));
    }

    [Fact]
    public void A_batch_size_over_32_is_refused()
    {
        File.WriteAllText(Path.Combine(folder, "host.json"), """{ "extensions": { "queues": { "batchSize": 33 } } }""");

        Assert.Throws<InvalidDataException>(() => HostJson.Load(folder));
    }
}
