using DistaHilar.Dev;
using DistaHilar.DevHost;
using DistaHilar.LocalServices;
using Emulator = DistaHilar.SignalREmulator.SignalREmulator;

namespace DistaHilar.Tests.Infrastructure;

/// <summary>The stack ./dev.sh runs, for browser tests (<see cref="TestEnvironment.WebClientAsync"/>).</summary>
public sealed record WebClientEnvironment(DevEnvironment Environment)
{
    /// <summary>The app; its CORS allows <see cref="WebOrigin"/> with credentials.</summary>
    public FunctionsDevHost App => Environment.Host;

    /// <summary>The app's SignalR emulator (its upstream is the app).</summary>
    public Emulator SignalR => Environment.SignalR;

    /// <summary>coturn, which the app's GET /api/calls/ice-servers names for STUN and TURN.</summary>
    public TurnServer Turn => Environment.Turn;

    /// <summary>The web client, e.g. http://127.0.0.1:41234/ (web/dist, with a /config.json naming <see cref="ApiBaseUrl"/>).</summary>
    public Uri Web => Environment.Web!.BaseAddress;

    /// <summary>http://127.0.0.1:&lt;web port&gt;, what the browser sends as Origin.</summary>
    public string WebOrigin => Environment.Web!.Origin;

    /// <summary>The app's API base, e.g. http://127.0.0.1:40123/api.</summary>
    public Uri ApiBaseUrl => Environment.ApiBaseUrl;
}
