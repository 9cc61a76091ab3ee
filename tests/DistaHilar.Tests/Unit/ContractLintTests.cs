using System.Diagnostics;
using System.Text;
using System.Text.Json;
using DistaHilar.LocalServices;

namespace DistaHilar.Tests.Unit;

/// <summary>
/// The contract files are valid for the standard tools client developers feed them to: openapi.yaml lints with no
/// error under Redocly CLI, asyncapi.yaml parses with the official AsyncAPI parser (both npm devDependencies,
/// installed by npm ci), with no stray keys from a YAML flow mapping broken by a comma.
/// </summary>
public sealed class ContractLintTests
{
    private static readonly string Root = RepoRoot.Find();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Openapi_lints_with_no_errors_under_redocly()
    {
        var (exitCode, stdout, stderr) = await NodeAsync([Bin("@redocly/cli", "redocly"), "lint", "openapi.yaml", "--format=json"]);

        using var report = JsonDocument.Parse(stdout);
        var errors = report.RootElement.GetProperty("problems").EnumerateArray()
            .Where(p => p.GetProperty("severity").GetString() == "error")
            .Select(p => $"{p.GetProperty("ruleId").GetString()}: {p.GetProperty("message").GetString()} at {string.Join(", ", p.GetProperty("location").EnumerateArray().Select(l => l.GetProperty("pointer").GetString()))}")
            .ToList();
        Assert.True(errors.Count == 0, "Redocly found errors in openapi.yaml:\n" + string.Join('\n', errors));
        Assert.Equal(0, report.RootElement.GetProperty("totals").GetProperty("errors").GetInt32());
        Assert.True(exitCode == 0, $"redocly lint exited with {exitCode}: {stderr}");
    }

    [Fact]
    public async Task Asyncapi_parses_with_the_official_parser_without_errors_or_stray_keys()
    {
        var (exitCode, stdout, stderr) = await NodeAsync([Path.Combine("tests", "node", "asyncapi-parse.mjs"), "asyncapi.yaml"]);

        Assert.True(exitCode == 0, $"the parser script exited with {exitCode}: {stderr}");
        using var result = JsonDocument.Parse(stdout);
        var errors = result.RootElement.GetProperty("diagnostics").EnumerateArray()
            .Where(d => d.GetProperty("severity").GetInt32() == 0)
            .Select(d => $"{d.GetProperty("code").GetString()}: {d.GetProperty("message").GetString()} at {d.GetProperty("path").GetString()}")
            .ToList();
        Assert.True(errors.Count == 0, "The AsyncAPI parser found errors in asyncapi.yaml:\n" + string.Join('\n', errors));
        Assert.True(result.RootElement.GetProperty("parsed").GetBoolean());
        Assert.Empty(result.RootElement.GetProperty("strayKeys").EnumerateArray().Select(k => k.GetString()));
    }

    /// <summary>The script behind a package's bin entry, read from its package.json (the way AzuriteServer finds Azurite).</summary>
    private static string Bin(string package, string command)
    {
        var manifest = Path.Combine(Root, "node_modules", package, "package.json");
        Assert.True(File.Exists(manifest), $"{manifest} is missing: run tools/install-prereqs.sh (npm ci).");
        using var json = JsonDocument.Parse(File.ReadAllText(manifest));
        var bin = json.RootElement.GetProperty("bin");
        var relative = bin.ValueKind == JsonValueKind.String ? bin.GetString()! : bin.GetProperty(command).GetString()!;
        return Path.GetFullPath(Path.Combine(Root, "node_modules", package, relative));
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> NodeAsync(string[] arguments)
    {
        using var node = new Process
        {
            StartInfo = new ProcessStartInfo("node", arguments)
            {
                WorkingDirectory = Root,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                Environment =
                {
                    // No telemetry and no update check: CI reaches no network but the package registries.
                    ["REDOCLY_TELEMETRY"] = "off",
                    ["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true",
                    ["NO_COLOR"] = "1",
                },
            },
        };
        node.Start();
        var stdout = node.StandardOutput.ReadToEndAsync(Ct);
        var stderr = node.StandardError.ReadToEndAsync(Ct);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(TimeSpan.FromMinutes(2));
        try
        {
            await node.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            node.Kill(entireProcessTree: true);
            throw;
        }

        return (node.ExitCode, await stdout, await stderr);
    }
}
