using System.Diagnostics;
using System.Text;
using System.Text.Json;
using DistaHilar.LocalServices;
using DistaHilar.Tests.Infrastructure;

namespace DistaHilar.Tests.WebClient;

/// <summary>
/// The web client (web/) in Debian's Chromium, driven by Playwright (web/e2e/*.spec.ts) against the real stack that
/// ./dev.sh runs: one test per spec file, so a failure names the screen that broke. The specs share one stack and
/// run one at a time (each drives two or three browser contexts; two cores).
/// </summary>
public sealed class BrowserTests(TestEnvironment env)
{
    private static readonly TimeSpan SpecTimeout = TimeSpan.FromMinutes(4);

    public static TheoryData<string> Specs() => new(
        Directory.GetFiles(Path.Combine(RepoRoot.Find(), "web", "e2e"), "*.spec.ts").Select(Path.GetFileName).Order(StringComparer.Ordinal)!);

    [Theory]
    [MemberData(nameof(Specs))]
    public async Task Spec_passes_in_Chromium(string spec)
    {
        var root = Path.Combine(RepoRoot.Find(), "web");
        Assert.True(File.Exists(Path.Combine(root, "dist", "index.html")), "web/dist is missing: ./dev.sh test builds it (npm run build in web/).");
        Assert.True(File.Exists("/usr/bin/chromium"), "Debian's chromium is missing: run tools/install-prereqs.sh.");
        var stack = await env.WebClientAsync();
        var artifacts = Path.Combine(root, "test-results", Path.GetFileNameWithoutExtension(spec));
        if (Directory.Exists(artifacts))
        {
            Directory.Delete(artifacts, recursive: true);
        }

        var (exitCode, output) = await RunAsync(root, spec, stack.Web, artifacts);
        var measures = output.Split('\n').Where(l => l.StartsWith("MEASURE ", StringComparison.Ordinal));
        foreach (var line in measures)
        {
            TestContext.Current.TestOutputHelper?.WriteLine(line);
        }

        var report = Path.Combine(artifacts, "report.json");
        Assert.True(exitCode == 0 && File.Exists(report), $"playwright exited with {exitCode} for {spec}:\n{Tail(output)}");
        var stats = JsonDocument.Parse(await File.ReadAllTextAsync(report, Ct)).RootElement.GetProperty("stats");
        Assert.True(stats.GetProperty("expected").GetInt32() > 0, $"{spec} ran no test:\n{Tail(output)}");
        Assert.Equal(0, stats.GetProperty("unexpected").GetInt32());
        Assert.Equal(0, stats.GetProperty("flaky").GetInt32());
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(int ExitCode, string Output)> RunAsync(string root, string spec, Uri web, string artifacts)
    {
        var cli = Path.Combine(root, "node_modules", "@playwright", "test", "cli.js");
        using var node = new Process
        {
            StartInfo = new ProcessStartInfo("node", [cli, "test", Path.Combine("e2e", spec)])
            {
                WorkingDirectory = root,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                Environment =
                {
                    ["WEB_URL"] = web.ToString(),
                    ["ARTIFACTS_DIR"] = artifacts,
                    ["RING_TIMEOUT_SECONDS"] = TestEnvironment.WebClientRingTimeout.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["CI"] = "1",
                    ["FORCE_COLOR"] = "0",
                },
            },
        };
        var output = new StringBuilder();
        void Collect(object _, DataReceivedEventArgs e)
        {
            if (e.Data is not null)
            {
                lock (output)
                {
                    output.AppendLine(e.Data);
                }
            }
        }

        node.OutputDataReceived += Collect;
        node.ErrorDataReceived += Collect;
        node.Start();
        node.BeginOutputReadLine();
        node.BeginErrorReadLine();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(SpecTimeout);
        try
        {
            await node.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
        {
            node.Kill(entireProcessTree: true);
            return (-1, $"timed out after {SpecTimeout.TotalMinutes} min\n{output}");
        }
        finally
        {
            if (!node.HasExited)
            {
                node.Kill(entireProcessTree: true);
            }
        }

        await node.WaitForExitAsync(CancellationToken.None);
        lock (output)
        {
            return (node.ExitCode, output.ToString());
        }
    }

    private static string Tail(string output) => output.Length <= 12_000 ? output : "…" + output[^12_000..];
}
