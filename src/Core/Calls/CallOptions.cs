namespace DistaHilar.Core.Calls;

/// <summary>App settings <c>Calls__*</c>.</summary>
public sealed class CallOptions
{
    public const string Section = "Calls";

    /// <summary>A call nobody answers in this time becomes <c>missed</c> (a delayed queue message, so restarts do not lose it).</summary>
    public TimeSpan RingTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A participant whose last connection went away this long ago (and has not come back) leaves their call: long
    /// enough for a phone switching networks to reconnect.
    /// </summary>
    public TimeSpan DisconnectGrace { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The largest <c>payload</c> of one signal (an SDP offer is a few KB; a batch of ICE candidates less).</summary>
    public int MaxSignalBytes { get; set; } = 32 * 1024;

    /// <summary>Signals one user may send per minute, across calls.</summary>
    public int SignalsPerMinute { get; set; } = 300;

    /// <summary>STUN URLs (comma-separated), e.g. <c>stun:stun.example.net:3478</c>.</summary>
    public string StunUrls { get; set; } = "";

    /// <summary>TURN URLs (comma-separated), e.g. <c>turn:turn.example.net:3478?transport=udp,turns:turn.example.net:5349</c>.</summary>
    public string TurnUrls { get; set; } = "";

    /// <summary>coturn's <c>static-auth-secret</c> (<c>use-auth-secret</c>): TURN credentials are derived from it, never stored.</summary>
    public string TurnSecret { get; set; } = "";

    public TimeSpan TurnCredentialLifetime { get; set; } = TimeSpan.FromHours(1);
}
