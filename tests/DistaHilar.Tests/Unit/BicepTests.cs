using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using DistaHilar.LocalServices;

namespace DistaHilar.Tests.Unit;

/// <summary>
/// The deployment (infra/bicep) compiled and linted with the real Bicep CLI, and its app settings checked against
/// the settings the app reads: every one present, secrets only as Key Vault references.
/// </summary>
public sealed partial class BicepTests
{
    /// <summary>Local-only settings the deployment replaces: the runtime is part of Flex Consumption's config, and storage is reached by identity (AzureWebJobsStorage__accountName).</summary>
    private static readonly HashSet<string> NotDeployed = new(StringComparer.Ordinal) { "FUNCTIONS_WORKER_RUNTIME", "AzureWebJobsStorage" };

    private static readonly string Main = Path.Combine(RepoRoot.Find(), "infra", "bicep", "main.bicep");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_deployment_compiles_and_passes_the_linter_with_its_rules_as_errors()
    {
        var (code, output, errors) = await BicepAsync("lint", Main);

        Assert.True(code == 0 && errors.Length == 0 && output.Trim().Length == 0, $"bicep lint: exit {code}\n{output}\n{errors}");
        Assert.Contains("\"no-unused-params\": { \"level\": \"error\" }", await File.ReadAllTextAsync(Path.Combine(Path.GetDirectoryName(Main)!, "bicepconfig.json"), Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_setting_the_app_reads_is_deployed_and_secrets_only_as_key_vault_references()
    {
        var template = await CompiledAsync();
        var secure = JsonDocument.Parse(template).RootElement.GetProperty("parameters").EnumerateObject()
            .Where(p => p.Value.GetProperty("type").GetString() is "securestring" or "secureObject")
            .Select(p => p.Name)
            .ToList();
        Assert.Contains("postgresAdministratorPassword", secure);
        var failures = new List<string>();
        foreach (var key in ExampleSettings().Where(k => !NotDeployed.Contains(k)))
        {
            var setting = Regex.Match(template, $"\"{Regex.Escape(key)}\": \"((?:[^\"\\\\]|\\\\.)*)\"");
            if (!setting.Success)
            {
                failures.Add($"{key} is not in the deployed app settings");
                continue;
            }

            var value = setting.Groups[1].Value;
            if (IsSecret(key) && !value.Contains("@Microsoft.KeyVault(SecretUri=", StringComparison.Ordinal))
            {
                failures.Add($"{key} is a secret but not a Key Vault reference: {value}");
            }

            if (secure.FirstOrDefault(p => value.Contains($"parameters('{p}')", StringComparison.Ordinal)) is { } leaked)
            {
                failures.Add($"{key} puts the secure parameter {leaked} into a plain app setting");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task Every_queue_the_app_uses_is_deployed_with_its_poison_twin()
    {
        var template = await CompiledAsync();
        var queues = Regex.Match(template, "\"queues\": \\[([^\\]]*)\\]").Groups[1].Value;
        foreach (var queue in new[] { Core.Media.MediaService.Queue, Core.Messages.ReadStateAggregator.Queue, Core.Calls.CallService.TimeoutQueue, Core.Calls.CallDisconnects.Queue })
        {
            Assert.Contains($"\"{queue}\"", queues, StringComparison.Ordinal);
        }

        Assert.Contains("'{0}-poison'", template, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_web_client_is_a_static_web_app_whose_api_is_the_function_app_and_whose_origin_cors_allows()
    {
        var template = await CompiledAsync();
        var azure = await File.ReadAllTextAsync(Path.Combine(RepoRoot.Find(), "azure.yaml"), Ct);

        // Same origin through the linked backend: the SameSite=Strict refresh cookie reaches /api/auth.
        Assert.Contains("\"type\": \"Microsoft.Web/staticSites/linkedBackends\"", template, StringComparison.Ordinal);
        Assert.Contains("'azd-service-name', 'web'", template, StringComparison.Ordinal);
        Assert.Contains("\"WEB_API_BASE_URL\"", template, StringComparison.Ordinal);
        // Cross-origin callers (the API without the link, SignalR, direct blob uploads) allow the web origin.
        Assert.Contains("\"supportCredentials\": \"[parameters('supportCredentials')]\"", template, StringComparison.Ordinal);
        Assert.Contains("'allowedMethods', createArray('GET', 'HEAD', 'PUT', 'OPTIONS')", template, StringComparison.Ordinal);
        Assert.Matches(@"web:\s+project: \./web\s+language: js\s+host: staticwebapp\s+dist: dist", azure);
        Assert.True(File.Exists(Path.Combine(RepoRoot.Find(), "infra", "hooks", "web-predeploy.sh")));
    }

    private static bool IsSecret(string key) => SecretName().IsMatch(key);

    [GeneratedRegex("(Secret|Password|ConnectionString)$")]
    private static partial Regex SecretName();

    private static List<string> ExampleSettings()
    {
        var text = File.ReadAllLines(Path.Combine(RepoRoot.Find(), "local.settings.example.json")).Where(l => !l.TrimStart().StartsWith("//", StringComparison.Ordinal));
        using var json = JsonDocument.Parse(string.Join('\n', text));
        return json.RootElement.GetProperty("Values").EnumerateObject().Select(p => p.Name).ToList();
    }

    private static async Task<string> CompiledAsync()
    {
        var (code, output, errors) = await BicepAsync("build", Main, "--stdout");
        Assert.True(code == 0 && errors.Length == 0, $"bicep build: exit {code}\n{errors}");
        return output;
    }

    private static async Task<(int Code, string Output, string Errors)> BicepAsync(params string[] arguments)
    {
        var bicep = typeof(BicepTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BicepPath").Value!;
        var start = new ProcessStartInfo(bicep) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(Ct);
        var errors = process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct).WaitAsync(TimeSpan.FromSeconds(120), Ct);
        return (process.ExitCode, await output, await errors);
    }
}
