namespace DistaHilar.Core.Data;

/// <summary>
/// One signed-in device: the family of refresh tokens issued to it. Revoking the session ends every token of the
/// family; access tokens it issued run out on their own (they are checked without the database).
/// </summary>
public sealed class Session
{
    public Guid Id { get; init; }

    public Guid UserId { get; init; }

    public string Device { get; init; } = "";

    public string? Ip { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset LastUsedAt { get; set; }

    /// <summary>Absolute end, however active the session is.</summary>
    public DateTimeOffset ExpiresAt { get; init; }

    public DateTimeOffset? RevokedAt { get; set; }

    public string? RevokedReason { get; set; }
}

/// <summary>
/// A refresh token, stored only as its SHA-256. Rotation marks the presented token used; presenting a used one again
/// means it was stolen or replayed, and the whole session is revoked.
/// </summary>
public sealed class RefreshToken
{
    public byte[] Hash { get; init; } = [];

    public Guid SessionId { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? UsedAt { get; set; }
}
