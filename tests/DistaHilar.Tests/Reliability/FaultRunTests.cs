using DistaHilar.Bench.Faults;
using DistaHilar.Dev;
using DistaHilar.LocalServices;
using DistaHilar.Tests.Infrastructure;

namespace DistaHilar.Tests.Reliability;

/// <summary>
/// The fault benchmark's CI variant (tools/Bench --scenario faults, one fault a run and small counts): a stack of its
/// own with production durability, two groups sending while the database or the worker is killed and started again,
/// and the whole history checked afterwards. The README's fault table comes from the full run.
/// </summary>
public sealed class FaultRunTests
{
    /// <param name="fault">A crash: PostgreSQL's (acknowledged commits must survive it) or the worker's (a send
    /// committed but not yet published must still reach everyone, through the outbox).</param>
    [Theory]
    [InlineData("postgres")]
    [InlineData("worker")]
    public async Task A_crash_under_a_send_load_loses_no_acknowledged_message(string fault)
    {
        var ct = TestContext.Current.CancellationToken;
        var options = new FaultOptions
        {
            Faults = [fault],
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
        var window = Assert.Single(report.Faults);
        // The fault was felt (requests refused or unanswered meanwhile) and the load went on around it.
        Assert.True(window.Unavailable + window.NoAnswer > 0, $"nothing failed during the fault: {window}");
        Assert.True(report.Totals.Acknowledged > 100, $"only {report.Totals.Acknowledged} sends acknowledged");
        Assert.True(window.HealthCheck is null || window.HealthSaidDownAfter is not null, $"health never said {window.HealthCheck} was down");
        Assert.NotNull(window.CallMissedAfter);
    }
}
