namespace DistaHilar.Core.Common;

/// <summary>Who made a request: the user and the session (device) their access token belongs to.</summary>
public sealed record Caller(Guid UserId, Guid SessionId);
