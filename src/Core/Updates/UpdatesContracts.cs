using System.Text.Json;

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
/// </summary>
internal sealed record UpdatesCursor(long T, long I, long At);
