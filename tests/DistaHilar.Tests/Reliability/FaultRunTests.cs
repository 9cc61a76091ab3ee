using DistaHilar.Bench.Faults;
using DistaHilar.Dev;
using DistaHilar.LocalServices;
using DistaHilar.Tests.Infrastructure;

namespace DistaHilar.Tests.Reliability;

/// <summary>
/// The fault benchmark's CI variant (tools/Bench --scenario faults, with one fault and small counts): a stack of its
/// own with production durability, two groups sending while PostgreSQL is killed and started again, and the whole
/// history checked afterwards. The README's fault table comes from the full run.
/// </summary>
public sealed class FaultRunTests
{
    [Fact]
    public async Task PostgreSQL_killed_under_a_send_load_loses_no_acknowledged_message_and_answers_only_503s()
    {
        var ct = TestContext.Current.CancellationToken;
        var options = new FaultOptions
        {
            Faults = ["postgres"],
            Chats = 2,
            Members = 3,
            Outage = TimeSpan.FromSeconds(4),
            Steady = TimeSpan.FromSeconds(2),
        };
        await using var stack = await DevEnvironment.StartAsync(
            TestEnvironment.FunctionsAppDirectory, httpPort: 0, TestEnvironment.LoggerFactory, readLocalSettings: false,
            FaultRunner.AppSettings(options), PostgresDurability.Production, webClient: null, ct);
        using var client = new HttpClient(new SocketsHttpHandler { UseCookies = false })
        {
            BaseAddress = new Uri(stack.ApiBaseUrl.AbsoluteUri.TrimEnd('/') + "/"),
            Timeout = options.RequestTimeout,
        };

        var report = await new FaultRunner(stack, client, options, TextWriter.Null).RunAsync(DateTime.UtcNow, ct);

        Assert.True(report.Passed, "violations:\n" + string.Join("\n", report.Violations));
        Assert.Equal(0, report.Totals.Lost);
        var fault = Assert.Single(report.Faults);
        // The fault was felt (sends were refused while the database was down) and the load went on around it.
        Assert.True(fault.Unavailable > 0, $"no 503 during the outage: {fault}");
        Assert.True(report.Totals.Acknowledged > 100, $"only {report.Totals.Acknowledged} sends acknowledged");
        Assert.NotNull(fault.HealthSaidDownAfter);
        Assert.NotNull(fault.CallMissedAfter);
    }
}
