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
}
