using System.Net;
using DistaHilar.Dev;
using DistaHilar.LocalServices;
using DistaHilar.Tests.Accounts;
using DistaHilar.Tests.Chats;
using DistaHilar.Tests.Infrastructure;
using DistaHilar.Tests.Realtime;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;

namespace DistaHilar.Tests.Telemetry;

/// <summary>
/// An error in the logs means something is wrong: a run of the everyday paths — including the conflicts the app
/// handles (a retried clientMessageId, racing joins and dialogs, a lost accept race) — logs nothing at Error or
/// Critical anywhere in its stack (worker, DevHost, services, emulator).
/// </summary>
public sealed class HappyPathLogTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_happy_path_with_its_handled_conflicts_logs_no_error()
    {
        using var logs = new LogCapture(LogLevel.Warning);
        await using (var stack = await DevEnvironment.StartAsync(
                         TestEnvironment.FunctionsAppDirectory, httpPort: 0, logs.Factory, readLocalSettings: false,
                         TestEnvironment.With(TestEnvironment.GenerousLimits, new Dictionary<string, string?> { ["Calls__RingTimeout"] = "00:00:30" }),
                         PostgresDurability.Fast, webClient: null, Ct))
        {
            await HappyPathAsync(stack.Host.BaseAddress);
            var errors = logs.AtLeast(LogLevel.Error);
            Assert.True(errors.Count == 0, $"{errors.Count} error lines during the happy path:\n" + string.Join("\n", errors.Select(e => e.Summary)));
        }

        // What a normal run prints at Warning, for whoever reads the output (not a failure).
        foreach (var warning in logs.AtLeast(LogLevel.Warning))
        {
            TestContext.Current.TestOutputHelper?.WriteLine(warning.Summary);
        }
    }

    private static async Task HappyPathAsync(Uri baseAddress)
    {
        using var http = AccountsApi.Client(baseAddress);
        var alice = await ChatUser.RegisterAsync(http);
        var bob = await ChatUser.RegisterAsync(http);
        var carol = await ChatUser.RegisterAsync(http);
        await AccountsApi.LoginOkAsync(http, alice.Account);
        await using var aliceEvents = await EventProbe.ConnectAsync(baseAddress, alice.Token);
        await using var bobEvents = await EventProbe.ConnectAsync(baseAddress, bob.Token);

        // A dialog asked for twice at once (one creates it, the other finds it), then once more.
        var dialogs = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => alice.CallAsync(HttpMethod.Post, "api/chats/dialogs", new { userId = bob.Id })));
        Assert.All(dialogs, d => Assert.True(d.Status is HttpStatusCode.Created or HttpStatusCode.OK, $"dialog: {(int)d.Status} {d.Body}"));
        var dialog = dialogs[0].Body.GetProperty("id").GetGuid();
        await alice.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, "api/chats/dialogs", new { userId = bob.Id });

        // A send, its retry, and racing copies of another send: each is one message.
        var send = new { clientMessageId = "retry-" + Guid.NewGuid(), text = "hello" };
        var sent = await alice.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, $"api/chats/{dialog}/messages", send);
        var messageId = sent.GetProperty("id").GetGuid();
        await alice.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/chats/{dialog}/messages", send);
        var racing = new { clientMessageId = "race-" + Guid.NewGuid(), text = "once" };
        var copies = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => alice.CallAsync(HttpMethod.Post, $"api/chats/{dialog}/messages", racing)));
        Assert.Single(copies, c => c.Status == HttpStatusCode.Created);
        Assert.All(copies, c => Assert.True(c.Status is HttpStatusCode.Created or HttpStatusCode.OK, $"copy: {(int)c.Status} {c.Body}"));
        await bobEvents.WaitForAsync("message.created", e => e.GetProperty("data").GetProperty("id").GetGuid() == messageId);

        // React (twice the same, then another), edit, typing, read (the read-state queue announces it).
        var reactions = $"api/chats/{dialog}/messages/{messageId}/reactions";
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => bob.ExpectAsync(HttpStatusCode.OK, HttpMethod.Put, reactions, new { emoji = "👍" })));
        await bob.ExpectAsync(HttpStatusCode.OK, HttpMethod.Put, reactions, new { emoji = "❤️" });
        await alice.ExpectAsync(HttpStatusCode.OK, HttpMethod.Patch, $"api/chats/{dialog}/messages/{messageId}", new { text = "hello!" });
        await bobEvents.Hub.InvokeAsync("typing", new { chatId = dialog, action = "typing" }, Ct);
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => bob.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/chats/{dialog}/read", new { upToMessageId = messageId })));
        await aliceEvents.WaitForAsync("read.updated", e => e.GetProperty("data").GetProperty("userId").GetGuid() == bob.Id, TimeSpan.FromSeconds(30));

        // A group, its invite link, joins that race and one that repeats; a message there; a member added twice at once.
        var group = await alice.CreateGroupAsync(members: [bob]);
        var code = (await alice.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/chats/{group}/invite-link")).GetProperty("inviteCode").GetString();
        var joins = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => carol.CallAsync(HttpMethod.Post, $"api/chats/join/{code}")));
        Assert.All(joins, j => Assert.True(j.Status is HttpStatusCode.OK or HttpStatusCode.Conflict, $"join: {(int)j.Status} {j.Body}"));
        await carol.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/chats/join/{code}");
        await carol.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, $"api/chats/{group}/messages", new { clientMessageId = Guid.NewGuid().ToString(), text = "hi all" });
        var dave = await ChatUser.RegisterAsync(http);
        var adds = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => alice.CallAsync(HttpMethod.Post, $"api/chats/{group}/members", new { userIds = new[] { dave.Id } })));
        Assert.All(adds, a => Assert.True((int)a.Status < 500, $"add: {(int)a.Status} {a.Body}"));
        await alice.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "api/chats");
        await alice.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/chats/{group}/messages");

        // A call: rung, accepted twice at once (one wins, the other is a 409), ended.
        var callId = (await alice.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "api/calls", new { chatId = dialog })).GetProperty("id").GetGuid();
        var accepts = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => bob.CallAsync(HttpMethod.Post, $"api/calls/{callId}/accept")));
        Assert.Single(accepts, a => a.Status == HttpStatusCode.OK);
        await alice.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/calls/{callId}/end");
        await aliceEvents.WaitForAsync("call.updated", e => e.GetProperty("data").GetProperty("status").GetString() == "ended");

        using var logout = AccountsApi.Authorized(HttpMethod.Post, "api/auth/logout", carol.Token);
        using var loggedOut = await http.SendAsync(logout, Ct);
        Assert.True(loggedOut.IsSuccessStatusCode, $"logout: {(int)loggedOut.StatusCode}");
    }
}
