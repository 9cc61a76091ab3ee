namespace DistaHilar.Core.Realtime;

/// <summary>App settings <c>SignalR__*</c>.</summary>
public sealed class SignalROptions
{
    public const string Section = "SignalR";

    /// <summary>Azure SignalR Service (serverless mode) connection string; empty means realtime is off.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>The hub clients connect to.</summary>
    public string Hub { get; set; } = "chat";

    /// <summary>How long a negotiated client token may be used to start a connection (it does not end connections).</summary>
    public TimeSpan ClientTokenLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long one REST call to the service may take before it is retried or given up.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long the service keeps a user in a chat's group. Memberships with a ttl are not subject to the service's
    /// 100-groups-per-user cap, so users in thousands of chats get every chat's events; negotiate renews them.
    /// </summary>
    public TimeSpan GroupMembershipTtl { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How long the request that wrote outbox rows has to publish them before the dispatcher takes over.</summary>
    public TimeSpan OutboxClaimDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long published rows wait to be retired together (one UPDATE for all published meanwhile); zero for at once.</summary>
    public TimeSpan OutboxRetireLinger { get; set; } = TimeSpan.FromMilliseconds(25);

    /// <summary>The longest wait between two attempts at an outbox row the service refused or could not be reached for.</summary>
    public TimeSpan OutboxMaxRetryDelay { get; set; } = TimeSpan.FromSeconds(60);
}
