using System.Text.Json;
using System.Text.Json.Serialization;

namespace DistaHilar.Core.Updates;

/// <summary>
/// <c>GET /api/updates</c>: the caller's events since the cursor, oldest first, each exactly as it went out live
/// (<c>{eventId, type, chatId, seq, occurredAt, data}</c>). <see cref="NextCursor"/> is where to continue; while
/// <see cref="HasMore"/> the client asks again at once. <see cref="Resync"/> means the cursor is older than the log:
/// reload the chat list and open chats, then continue from <see cref="NextCursor"/>.
/// </summary>
public sealed record UpdatesPage(IReadOnlyList<JsonElement> Items, string NextCursor, bool HasMore, bool Resync);

/// <summary>
/// A position in the change log: every row ordered at or before (<see cref="T"/>, <see cref="I"/>) has been seen.
/// <see cref="T"/> is a transaction id (see <see cref="UpdatesService"/>), <see cref="I"/> a row id, <see cref="At"/>
/// when the cursor was issued (Unix seconds), which decides whether the log still reaches back to it.
/// From a starting cursor, also every row of a transaction below <see cref="X"/> (the start's xmax; 0 for none) that
/// is not one of <see cref="P"/> (those in progress at the start) has been seen: its state was loaded with it.
/// </summary>
internal sealed record UpdatesCursor(
    long T,
    long I,
    long At,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] long X = 0,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long[]? P = null)
{
    public bool IsValid(long maxAt, int maxInProgress) =>
        T >= 0 && I >= 0 && At >= 0 && At <= maxAt
        && (X == 0 ? P is null : X > T && P is not null && P.Length <= maxInProgress && P.All(p => p >= T && p < X));

    /// <summary>The cursor at a later position, keeping only what of the start's snapshot still lies ahead.</summary>
    public UpdatesCursor MovedTo(long t, long i, long at) =>
        X > t ? new UpdatesCursor(t, i, at, X, P!.Where(p => p >= t).ToArray()) : new UpdatesCursor(t, i, at);
}
