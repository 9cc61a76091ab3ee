using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using DistaHilar.LocalServices;
using DistaHilar.Tests.Accounts;
using DistaHilar.Tests.Chats;
using DistaHilar.Tests.Infrastructure;

namespace DistaHilar.Tests.Realtime;

/// <summary>
/// The JS web-client path: the official <c>@microsoft/signalr</c> npm client, run under Node by
/// <c>tests/node/signalr-smoke.mjs</c>, negotiates through the app, invokes a hub method and receives an event.
/// </summary>
public sealed class NodeClientTests(TestEnvironment env)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(45);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_npm_client_connects_through_negotiate_invokes_typing_and_receives_chat_updated()
    {
        var root = RepoRoot.Find();
        var script = Path.Combine(root, "tests", "node", "signalr-smoke.mjs");
        Assert.True(
            File.Exists(Path.Combine(root, "node_modules", "@microsoft", "signalr", "package.json")),
            $"node_modules/@microsoft/signalr is missing under {root}: run tools/install-prereqs.sh (npm ci).");

        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var owner = await ChatUser.RegisterAsync(http);
        var member = await ChatUser.RegisterAsync(http);
        var chatId = await owner.CreateGroupAsync(members: [member]);

        using var node = new Process
        {
            StartInfo = new ProcessStartInfo("node", [script])
            {
                WorkingDirectory = root,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                Environment =
                {
                    ["APP_URL"] = app.BaseAddress.ToString(),
                    ["ACCESS_TOKEN"] = member.Token,
                    ["CHAT_ID"] = chatId.ToString(),
                    ["TIMEOUT_MS"] = ((int)(Timeout.TotalMilliseconds - 5000)).ToString(System.Globalization.CultureInfo.InvariantCulture),
                },
            },
        };
        var stdout = new List<string>();
        var stderr = new StringBuilder();
        node.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (stderr)
            {
                stderr.AppendLine(e.Data);
            }
        };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(Timeout);
        node.Start();
        node.BeginErrorReadLine();
        try
        {
            if (await ReadUntilAsync(node, stdout, "connected", deadline.Token))
            {
                await owner.ExpectAsync(HttpStatusCode.OK, HttpMethod.Patch, $"api/chats/{chatId}", new { title = "renamed from .NET" });
            }

            await ReadUntilAsync(node, stdout, null, deadline.Token);
            await node.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
        {
            Assert.Fail($"node {script} did not finish within {Timeout.TotalSeconds} s.{Output(stdout, stderr)}");
        }
        finally
        {
            if (!node.HasExited)
            {
                node.Kill(entireProcessTree: true);
            }
        }

        Assert.True(node.ExitCode == 0, $"node exited with {node.ExitCode}.{Output(stdout, stderr)}");
        Assert.Contains("typing invoked", stdout);
        var line = stdout.SingleOrDefault(l => l.StartsWith("event ", StringComparison.Ordinal));
        Assert.True(line is not null, $"node printed no event.{Output(stdout, stderr)}");
        var envelope = JsonSerializer.Deserialize<JsonElement>(line["event ".Length..]);
        Assert.Equal("chat.updated", envelope.GetProperty("type").GetString());
        Assert.Equal(chatId, envelope.GetProperty("chatId").GetGuid());
        Assert.Equal("renamed from .NET", envelope.GetProperty("data").GetProperty("title").GetString());
    }

    /// <summary>Collects stdout lines until <paramref name="expected"/> was read (true), or to the end (false).</summary>
    private static async Task<bool> ReadUntilAsync(Process node, List<string> lines, string? expected, CancellationToken ct)
    {
        while (await node.StandardOutput.ReadLineAsync(ct) is { } line)
        {
            lines.Add(line);
            if (line == expected)
            {
                return true;
            }
        }

        return false;
    }

    private static string Output(List<string> stdout, StringBuilder stderr)
    {
        lock (stderr)
        {
            return $"\nstdout:\n{string.Join('\n', stdout)}\nstderr:\n{stderr}";
        }
    }
}
