using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DistaHilar.SignalREmulator;

/// <summary>How to run the local SignalR Service.</summary>
public sealed record EmulatorOptions
{
    /// <summary>Port on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>The key tokens are signed with; null makes a random one.</summary>
    public string? AccessKey { get; init; }

    /// <summary>
    /// Where client events go, e.g. <c>http://127.0.0.1:7071/api/signalr/{category}/{event}</c>
    /// (tokens <c>{hub}</c>, <c>{category}</c>, <c>{event}</c>); null sends nothing upstream.
    /// </summary>
    public string? UpstreamUrlTemplate { get; init; }

    /// <summary>The longest one upstream call may take before it counts as failed.</summary>
    public TimeSpan UpstreamTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often clients get a ping; the official clients give up after 30 s of silence.</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>A client silent for this long is dropped (the official clients ping every 15 s).</summary>
    public TimeSpan ClientTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Messages queued for one client beyond this mean it stopped reading: it is dropped.</summary>
    public int MaxQueuedMessages { get; init; } = 1000;

    /// <summary>
    /// Where user-to-group memberships are kept across restarts (loaded at start, written at stop), as the real
    /// service keeps them; null keeps them in memory only.
    /// </summary>
    public string? StateFile { get; init; }

    /// <summary>Start with the REST API answering 503 until <see cref="SignalREmulator.RestPaused"/> is cleared.</summary>
    public bool RestPaused { get; init; }

    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
