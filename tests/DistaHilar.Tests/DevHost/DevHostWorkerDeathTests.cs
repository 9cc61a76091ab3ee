using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using DistaHilar.Tests.Infrastructure;

namespace DistaHilar.Tests.DevHost;

/// <summary>A dead worker must be loud: the DevHost answers 503 and its command exits non-zero.</summary>
public sealed partial class DevHostWorkerDeathTests(TestEnvironment env)
{
    // The command's queue pollers get storage nobody listens on, so they cannot take the shared queues' messages.
    private const string Unreachable = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:9/devstoreaccount1;QueueEndpoint=http://127.0.0.1:9/devstoreaccount1;";

    [Fact]
    public async Task When_the_worker_dies_requests_get_503_and_Completion_reports_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var servers = await env.ServersAsync();
        await using var host = await TestEnvironment.StartHostAsync(TestEnvironment.SampleAppDirectory, servers.AppSettings, runNonHttpTriggers: false);
        using var client = TestEnvironment.Client(host);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("sample/echo/1", ct)).StatusCode);

        Process.GetProcessById(host.WorkerProcessId).Kill();
        var exitCode = await host.Completion.WaitAsync(TimeSpan.FromSeconds(20), ct);
        using var response = await client.GetAsync("sample/echo/1", ct);

        Assert.NotEqual(0, exitCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_DevHost_command_exits_non_zero_when_the_worker_dies()
    {
        var ct = TestContext.Current.CancellationToken;
        var devHost = Path.Combine(AppContext.BaseDirectory, "DistaHilar.DevHost.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { devHost, "--app", TestEnvironment.SampleAppDirectory, "--port", "0", "--set", "AzureWebJobsStorage=" + Unreachable })
        {
            info.ArgumentList.Add(arg);
        }

        using var command = Process.Start(info)!;
        try
        {
            var workerPid = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            command.OutputDataReceived += (_, e) =>
            {
                if (e.Data is not null && WorkerLine().Match(e.Data) is { Success: true } m)
                {
                    workerPid.TrySetResult(int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
                }
            };
            command.BeginOutputReadLine();
            command.BeginErrorReadLine();

            Process.GetProcessById(await workerPid.Task.WaitAsync(TimeSpan.FromSeconds(60), ct)).Kill();
            await command.WaitForExitAsync(ct).WaitAsync(TimeSpan.FromSeconds(20), ct);

            Assert.NotEqual(0, command.ExitCode);
        }
        finally
        {
            if (!command.HasExited)
            {
                command.Kill(entireProcessTree: true);
            }
        }
    }

    [GeneratedRegex(@"Worker (\d+) is serving")]
    private static partial Regex WorkerLine();
}
