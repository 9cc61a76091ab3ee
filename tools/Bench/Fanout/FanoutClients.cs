using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using DistaHilar.Bench.Scenarios;
using Microsoft.AspNetCore.SignalR.Client;

namespace DistaHilar.Bench.Fanout;

/// <summary>
/// One official SignalR .NET client per member, connected through the app's <c>/api/negotiate</c> like a real client,
/// recording the <c>chat.updated</c> events whose title is a <see cref="Marker"/>. Clients do not reconnect: a dropped
/// connection shows as missing deliveries and in <see cref="Disconnects"/>.
/// </summary>
internal sealed class FanoutClients : IAsyncDisposable
{
    // Each connect is a negotiate at the app (one SQL statement), one at the service and a WebSocket handshake.
    private const int ConnectParallelism = 16;

    private readonly HubConnection[] connections;
    private int disconnects;
    private string? firstDisconnect;
    private bool disposing;

    private FanoutClients(Uri api, IReadOnlyList<RegisteredUser> users, DeliveryLog warmup, DeliveryLog measured)
    {
        // The client appends /negotiate to the URL's path.
        var url = new Uri(api.AbsoluteUri.TrimEnd('/'));
        connections = new HubConnection[users.Count];
        for (var i = 0; i < users.Count; i++)
        {
            var (client, token) = (i, users[i].AccessToken);
            var hub = new HubConnectionBuilder()
                .WithUrl(url, o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
                .Build();
            hub.On<JsonElement>("chat.updated", envelope =>
            {
                var at = Stopwatch.GetTimestamp();
                if (Marker.TryParse(envelope.GetProperty("data").GetProperty("title").GetString(), out var marker))
                {
                    (marker.IsWarmup ? warmup : measured).Record(marker.Index, client, at);
                }
            });
            hub.Closed += error =>
            {
                if (Volatile.Read(ref disposing))
                {
                    return Task.CompletedTask;
                }

                Interlocked.Increment(ref disconnects);
                Interlocked.CompareExchange(ref firstDisconnect, error?.Message ?? "closed by the service", null);
                return Task.CompletedTask;
            };
            connections[i] = hub;
        }
    }

    /// <summary>Connections lost so far (not counting disposal).</summary>
    public int Disconnects => Volatile.Read(ref disconnects);

    /// <summary>Why the first lost connection went.</summary>
    public string? FirstDisconnect => Volatile.Read(ref firstDisconnect);

    /// <summary>Connects client i as <paramref name="users"/>[i]; throws (after closing the rest) if any cannot connect.</summary>
    public static async Task<FanoutClients> ConnectAsync(Uri api, IReadOnlyList<RegisteredUser> users, DeliveryLog warmup, DeliveryLog measured, CancellationToken ct)
    {
        var clients = new FanoutClients(api, users, warmup, measured);
        try
        {
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = ConnectParallelism, CancellationToken = ct };
            await Parallel.ForEachAsync(clients.connections, parallel, async (hub, token) => await hub.StartAsync(token));
            return clients;
        }
        catch
        {
            await clients.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Volatile.Write(ref disposing, true);
        await Task.WhenAll(connections.Select(c => c.DisposeAsync().AsTask()));
    }
}

/// <summary>The title an event carries to say which one it is: "fanout w3" (warm-up 3) or "fanout m17" (measured 17).</summary>
internal readonly record struct Marker(bool IsWarmup, int Index)
{
    private const string Prefix = "fanout ";

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Prefix}{(IsWarmup ? 'w' : 'm')}{Index}");

    public static bool TryParse(string? title, out Marker marker)
    {
        marker = default;
        if (title is null || title.Length < Prefix.Length + 2 || !title.StartsWith(Prefix, StringComparison.Ordinal) || title[Prefix.Length] is not ('w' or 'm')
            || !int.TryParse(title.AsSpan(Prefix.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            return false;
        }

        marker = new Marker(title[Prefix.Length] == 'w', index);
        return true;
    }
}
