using System.Net;
using DistaHilar.DevHost;
using DistaHilar.LocalServices;
using DistaHilar.Tests.Accounts;
using DistaHilar.Tests.Chats;
using DistaHilar.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace DistaHilar.Tests.Calls;

/// <summary>
/// The dev stack's TURN server (coturn started by LocalServices, as ./dev.sh does) accepts the credentials the app's
/// GET /api/calls/ice-servers hands out, over UDP and TCP, and refuses a wrong password.
/// </summary>
public sealed class TurnServerTests(TestEnvironment env) : IAsyncLifetime
{
    private TurnServer? turn;
    private FunctionsDevHost? app;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        turn = await TurnServer.StartAsync(log: TestEnvironment.LoggerFactory.CreateLogger("coturn"), ct: Ct);
        var servers = await env.ServersAsync();
        app = await TestEnvironment.StartHostAsync(TestEnvironment.FunctionsAppDirectory, TestEnvironment.With(TestEnvironment.With(servers.AppSettings, TestEnvironment.GenerousLimits), turn.AppSettings));
    }

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
        }

        if (turn is not null)
        {
            await turn.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_ice_servers_credentials_allocate_a_relay_and_a_wrong_password_does_not()
    {
        using var http = AccountsApi.Client(app!.BaseAddress);
        var me = await ChatUser.RegisterAsync(http);

        var body = await me.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "api/calls/ice-servers");

        var entries = body.GetProperty("iceServers");
        Assert.Equal(entries.GetRawText(), body.GetProperty("servers").GetRawText()); // the deprecated alias, for one release
        Assert.Equal($"stun:127.0.0.1:{turn!.Port}", entries[0].GetProperty("urls")[0].GetString());
        var entry = entries[1];
        var username = entry.GetProperty("username").GetString()!;
        var credential = entry.GetProperty("credential").GetString()!;
        var urls = entry.GetProperty("urls").EnumerateArray().Select(u => u.GetString()!).ToList();
        Assert.Equal([$"turn:127.0.0.1:{turn.Port}?transport=udp", $"turn:127.0.0.1:{turn.Port}?transport=tcp"], urls);

        foreach (var url in urls)
        {
            var (server, tcp) = Parse(url);
            using (var client = await TurnClient.ConnectAsync(server, tcp, Ct))
            {
                var allocated = await client.AllocateAsync(username, credential, Ct);
                Assert.True(allocated.Succeeded, $"{url}: Allocate failed with {allocated.ErrorCode}");
                Assert.True(allocated.IntegrityValid, $"{url}: the success's MESSAGE-INTEGRITY does not check out");
                Assert.Equal(IPAddress.Loopback, allocated.RelayedAddress?.Address);
            }

            using (var client = await TurnClient.ConnectAsync(server, tcp, Ct))
            {
                var refused = await client.AllocateAsync(username, "not-" + credential, Ct);
                Assert.False(refused.Succeeded, $"{url}: a wrong password allocated a relay");
                Assert.Equal(401, refused.ErrorCode);
            }
        }
    }

    private static (IPEndPoint Server, bool Tcp) Parse(string url)
    {
        // turn:<host>:<port>?transport=udp|tcp (RFC 7065)
        var rest = url["turn:".Length..];
        var query = rest.IndexOf('?', StringComparison.Ordinal);
        var hostPort = query < 0 ? rest : rest[..query];
        var tcp = query >= 0 && rest[query..].Contains("transport=tcp", StringComparison.Ordinal);
        return (IPEndPoint.Parse(hostPort), tcp);
    }
}
