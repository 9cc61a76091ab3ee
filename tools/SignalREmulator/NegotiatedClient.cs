namespace DistaHilar.SignalREmulator;

/// <summary>
/// What negotiate learned from the client's token, kept until the WebSocket arrives with the connection token.
/// <see cref="Hub"/> is lower-cased; <see cref="RequestedHub"/> is the client's own casing.
/// </summary>
internal sealed record NegotiatedClient(
    string ConnectionId,
    string ConnectionToken,
    string Hub,
    string RequestedHub,
    string? UserId,
    IReadOnlyList<KeyValuePair<string, string>> Claims,
    string ClientQuery,
    long CreatedAt);
