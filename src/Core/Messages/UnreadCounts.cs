using DistaHilar.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace DistaHilar.Core.Messages;

/// <summary>
/// Unread and unread-mention counts without reading the unread messages. My own messages are never after my read
/// pointer (a send moves it to the new message), so what is unread is the chat's last message seq minus my read seq,
/// less the tombstones and the messages hidden for me after the pointer — both rare, both found through small
/// indexes. Mentions are counted through a partial index of the messages that mention anyone.
/// </summary>
public sealed class UnreadCounts(DistaHilarDbContext db)
{
    public sealed record Chat(Guid ChatId, long ReadSeq, long LastMessageSeq);

    public async Task<Dictionary<Guid, (int Unread, int Mentions)>> ForAsync(Guid me, IReadOnlyList<Chat> chats, CancellationToken ct)
    {
        var behind = chats.Where(c => c.LastMessageSeq > c.ReadSeq).ToList();
        if (behind.Count == 0)
        {
            return [];
        }

        var ids = behind.Select(c => c.ChatId).ToArray();
        var reads = behind.Select(c => c.ReadSeq).ToArray();
        var lasts = behind.Select(c => c.LastMessageSeq).ToArray();
        var rows = await db.Database.SqlQuery<Row>(
            $"""
            SELECT c.id AS chat_id,
              (c.last - c.read
                - (SELECT count(*) FROM messages d WHERE d.chat_id = c.id AND d.seq > c.read AND d.deleted_at IS NOT NULL)
                - (SELECT count(*) FROM hidden_messages h JOIN messages hm ON hm.id = h.message_id
                   WHERE h.user_id = {me} AND h.chat_id = c.id AND hm.seq > c.read AND hm.deleted_at IS NULL))::int AS unread,
              (SELECT count(*) FROM messages x
               WHERE x.chat_id = c.id AND x.seq > c.read AND cardinality(x.mentions) > 0 AND x.mentions @> ARRAY[{me}]::uuid[]
                 AND x.deleted_at IS NULL AND NOT EXISTS (SELECT 1 FROM hidden_messages h WHERE h.user_id = {me} AND h.message_id = x.id))::int AS mentions
            FROM unnest({ids}, {reads}, {lasts}) AS c(id, read, last)
            """).ToListAsync(ct);
        return rows.ToDictionary(r => r.ChatId, r => (r.Unread, r.Mentions));
    }

    // Columns are matched by the snake_case naming convention (chat_id → ChatId).
    private sealed record Row(Guid ChatId, int Unread, int Mentions);
}
