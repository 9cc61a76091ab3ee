using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace DistaHilar.DevHost;

/// <summary>
/// Starts the built worker the way the Functions host does: the executable and dll named in
/// worker.config.json, the host's gRPC endpoint on the command line, app settings as environment.
/// </summary>
internal sealed class WorkerProcess : IAsyncDisposable
{
    // Variables of the DevHost's own process that would redirect the worker's Kestrel or confuse its host detection.
    private static readonly string[] Inherited = ["ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS", "DOTNET_URLS"];

    private readonly Process process;

    private WorkerProcess(Process process)
    {
        this.process = process;
        Exited = process.WaitForExitAsync().ContinueWith(_ => process.ExitCode, TaskScheduler.Default);
    }

    public int Id => process.Id;

    public Task<int> Exited { get; }

    public static WorkerProcess Start(string appDirectory, Uri hostEndpoint, string workerId, IReadOnlyDictionary<string, string> settings, ILogger log)
    {
        var (executable, workerPath) = ReadWorkerConfig(appDirectory);
        var info = new ProcessStartInfo(executable)
        {
            WorkingDirectory = appDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(workerPath);
        foreach (var arg in new[]
                 {
                     "--functions-uri", hostEndpoint.ToString(),
                     "--functions-worker-id", workerId,
                     "--functions-request-id", Guid.NewGuid().ToString(),
                     "--functions-grpc-max-message-length", int.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
                 })
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var name in Inherited)
        {
            info.Environment.Remove(name);
        }

        foreach (var (key, value) in settings)
        {
            info.Environment[key] = value;
        }

        info.Environment["FUNCTIONS_WORKER_DIRECTORY"] = appDirectory;
        info.Environment["FUNCTIONS_APPLICATION_DIRECTORY"] = appDirectory;
        info.Environment["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated";
        if (!settings.ContainsKey("AZURE_FUNCTIONS_ENVIRONMENT"))
        {
            info.Environment["AZURE_FUNCTIONS_ENVIRONMENT"] = "Development";
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Forward(log, LogLevel.Information, e.Data);
        process.ErrorDataReceived += (_, e) => Forward(log, LogLevel.Error, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new WorkerProcess(process);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        await Exited.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        process.Dispose();
    }

    private static (string Executable, string WorkerPath) ReadWorkerConfig(string appDirectory)
    {
        var path = Path.Combine(appDirectory, "worker.config.json");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"worker.config.json is missing from '{appDirectory}': build the function app first.", path);
        }

        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var description = doc.RootElement.GetProperty("description");
        var executable = description.TryGetProperty("defaultExecutablePath", out var e) ? e.GetString() ?? "dotnet" : "dotnet";
        var worker = description.GetProperty("defaultWorkerPath").GetString()!;
        executable = executable.Replace("{WorkerRoot}", appDirectory + Path.DirectorySeparatorChar, StringComparison.Ordinal);
        worker = worker.Replace("{WorkerRoot}", appDirectory + Path.DirectorySeparatorChar, StringComparison.Ordinal);
        return (executable, Path.IsPathRooted(worker) ? worker : Path.Combine(appDirectory, worker));
    }

    private static void Forward(ILogger log, LogLevel level, string? line)
    {
        if (!string.IsNullOrEmpty(line))
        {
            log.Log(level, "{Line}", line);
        }
    }
}
