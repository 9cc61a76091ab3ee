using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using DistaHilar.Bench.Scenarios;
using Microsoft.AspNetCore.SignalR.Client;

namespace DistaHilar.Bench.Delivery;

/// <summary>
/// One official SignalR .NET client per user, connected through the app's <c>/api/negotiate</c> like a real client.
/// The receivers' clients record the workload's events that carry a <see cref="Marker"/>; the other clients (a
/// connected sender) only take their events in. Clients do not reconnect: a dropped connection shows as missing
/// deliveries and in <see cref="Disconnects"/>.
/// </summary>
internal sealed class DeliveryClients : IAsyncDisposable
{
    // Each connect is a negotiate at the app (one SQL statement), one at the service and a WebSocket handshake.
    private const int ConnectParallelism = 16;

    private readonly HubConnection[] connections;
    private int disconnects;
    private string? firstDisconnect;
    private bool disposing;

    private DeliveryClients(Uri api, IDeliveryWorkload workload, IReadOnlyList<RegisteredUser> receivers, IReadOnlyList<RegisteredUser> others, DeliveryLog warmup, DeliveryLog measured)
    {
        // The client appends /negotiate to the URL's path.
        var url = new Uri(api.AbsoluteUri.TrimEnd('/'));
        var users = receivers.Concat(others).ToArray();
        connections = new HubConnection[users.Length];
        for (var i = 0; i < users.Length; i++)
        {
            var (client, token) = (i, users[i].AccessToken);
            var hub = new HubConnectionBuilder()
                .WithUrl(url, o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
                .Build();
            if (client < receivers.Count)
            {
                hub.On<JsonElement>(workload.Event, envelope =>
                {
                    var at = Stopwatch.GetTimestamp();
                    if (Marker.TryParse(workload.MarkerText(envelope), out var marker))
                    {
                        (marker.IsWarmup ? warmup : measured).Record(marker.Index, client, at);
                    }
                });
            }
            else
            {
                // Received and deserialised like a receiver's, so a connected sender costs the bench what it costs a device.
                hub.On<JsonElement>(workload.Event, _ => { });
            }

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

    /// <summary>
    /// Connects client i as <paramref name="receivers"/>[i] (recording into the logs as client i), then one client per
    /// user in <paramref name="others"/> (not recording); throws (after closing the rest) if any cannot connect.
    /// </summary>
    public static async Task<DeliveryClients> ConnectAsync(
        Uri api, IDeliveryWorkload workload, IReadOnlyList<RegisteredUser> receivers, IReadOnlyList<RegisteredUser> others, DeliveryLog warmup, DeliveryLog measured, CancellationToken ct)
    {
        var clients = new DeliveryClients(api, workload, receivers, others, warmup, measured);
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

/// <summary>
/// The text an event starts with to say which one it is: "bench w3" (warm-up 3) or "bench m17" (measured 17); a
/// workload may follow it with more text after a non-digit.
/// </summary>
internal readonly record struct Marker(bool IsWarmup, int Index)
{
    private const string Prefix = "bench ";

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Prefix}{(IsWarmup ? 'w' : 'm')}{Index}");

    public static bool TryParse(string? text, out Marker marker)
    {
        marker = default;
        if (text is null || text.Length < Prefix.Length + 2 || !text.StartsWith(Prefix, StringComparison.Ordinal) || text[Prefix.Length] is not ('w' or 'm'))
        {
            return false;
        }

        var digits = text.AsSpan(Prefix.Length + 1);
        var end = digits.IndexOfAnyExceptInRange('0', '9');
        if (!int.TryParse(end < 0 ? digits : digits[..end], NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            return false;
        }

        marker = new Marker(text[Prefix.Length] == 'w', index);
        return true;
    }
}
