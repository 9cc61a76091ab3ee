namespace DistaHilar.SignalREmulator;

/// <summary>What negotiate learned from the client's token, kept until the WebSocket arrives with the connection token.</summary>
internal sealed record NegotiatedClient(
    string ConnectionId,
    string ConnectionToken,
    string Hub,
    string? UserId,
    IReadOnlyList<KeyValuePair<string, string>> Claims,
    string ClientQuery,
    long CreatedAt);
