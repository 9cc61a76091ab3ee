using DistaHilar.Core.Common;
using DistaHilar.Core.Data;
using DistaHilar.Core.Pipeline;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace DistaHilar.Core.Media;

/// <summary>
/// Removes media nobody can reach any more: uploads never attached within <see cref="MediaOptions.UnattachedLifetime"/>,
/// and media whose last live message was deleted for everyone (or whose chat was deleted). Each medium carries
/// <see cref="MediaAsset.RemovableAfter"/>, kept by the writes that attach and release it, so a run reads only the
/// due rows (partial index), never every old medium. Rows go first, then bytes: a failure in between leaves unused
/// bytes behind, never a message pointing at missing ones. Idempotent; safe on several instances (SKIP LOCKED).
/// </summary>
public sealed class MediaCleanup(DistaHilarDbContext db, WritePipeline pipeline, IMediaStore store, TimeProvider time, ILogger<MediaCleanup> log)
{
    private const int Batch = 200;

    /// <summary>A medium is in use while a live message shows it or a profile or chat has it as avatar.</summary>
    private const string InUse =
        """
        (EXISTS (SELECT 1 FROM message_media a JOIN messages m ON m.id = a.message_id WHERE a.media_id = media.id AND m.deleted_at IS NULL)
         OR EXISTS (SELECT 1 FROM users u WHERE u.avatar_media_id = media.id)
         OR EXISTS (SELECT 1 FROM chats c WHERE c.avatar_media_id = media.id))
        """;

    public async Task<int> RunAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        // Released while another message attached it at the same moment: still in use, so not removable.
        await db.Database.ExecuteSqlRawAsync($"UPDATE media SET removable_after = NULL WHERE removable_after < {{0}} AND {InUse}", [now], ct);
        var removed = 0;
        while (true)
        {
            var keys = (await RemoveBatchAsync(now, ct)).Value;
            if (keys is not { Count: > 0 })
            {
                break;
            }

            foreach (var key in keys)
            {
                await store.DeleteAsync(key, ct);
            }

            removed += keys.Count;
        }

        if (removed > 0)
        {
            log.LogInformation("Media cleanup removed {Count} stored objects", removed);
        }

        return removed;
    }

    /// <summary>One batch of due media out of the database; their storage keys, none when none was due (or the batch raced).</summary>
    private Task<Result<List<string>>> RemoveBatchAsync(DateTimeOffset now, CancellationToken ct)
    {
        var raced = new OnConflict<List<string>>(
            e => e.SqlState == PostgresErrorCodes.ForeignKeyViolation,
            (_, _) =>
            {
                // A message attached one of them as it was being removed: that one is in use again; the next run sorts it out.
                log.LogInformation("Media cleanup batch raced with an attach; retrying next run");
                return Task.FromResult<Result<List<string>>>(new List<string>());
            });
        return pipeline.RunAsync<List<string>>(
            async () =>
            {
                var due = await db.Database.SqlQueryRaw<Guid>(
                    $$"""SELECT id AS "Value" FROM media WHERE removable_after < {0} AND NOT {{InUse}} ORDER BY removable_after LIMIT {{Batch}} FOR UPDATE SKIP LOCKED""",
                    now).ToListAsync(ct);
                if (due.Count == 0)
                {
                    return new List<string>();
                }

                // The attachments left are those of tombstones (deleted for everyone).
                await db.MessageMedia.Where(a => due.Contains(a.MediaId)).ExecuteDeleteAsync(ct);
                var rows = await db.Media.Where(m => due.Contains(m.Id)).Select(m => new { m.StorageKey, m.ThumbnailKey }).ToListAsync(ct);
                await db.Media.Where(m => due.Contains(m.Id)).ExecuteDeleteAsync(ct);
                return rows.SelectMany(r => r.ThumbnailKey is null ? [r.StorageKey] : new[] { r.StorageKey, r.ThumbnailKey }).ToList();
            },
            ct,
            raced);
    }

    /// <summary>Attaching media makes them permanent while a live message uses them.</summary>
    public Task ClaimAsync(IReadOnlyCollection<Guid> mediaIds, CancellationToken ct) =>
        db.Media.Where(m => mediaIds.Contains(m.Id) && m.RemovableAfter != null).ExecuteUpdateAsync(m => m.SetProperty(x => x.RemovableAfter, (DateTimeOffset?)null), ct);

    /// <summary>
    /// After messages were deleted for everyone (in the same transaction): their media that nothing else uses become
    /// removable now.
    /// </summary>
    public Task ReleaseMessagesAsync(Guid[] messageIds, DateTimeOffset now, CancellationToken ct) =>
        db.Database.ExecuteSqlRawAsync(
            $"UPDATE media SET removable_after = {{0}} WHERE id IN (SELECT media_id FROM message_media WHERE message_id = ANY({{1}})) AND NOT {InUse}",
            [now, messageIds],
            ct);

    /// <summary>After an avatar was replaced or removed (in the same transaction): the old image, unless used elsewhere.</summary>
    public Task ReleaseAsync(Guid mediaId, DateTimeOffset now, CancellationToken ct) =>
        db.Database.ExecuteSqlRawAsync($"UPDATE media SET removable_after = {{0}} WHERE id = {{1}} AND NOT {InUse}", [now, mediaId], ct);

    /// <summary>
    /// Before a chat is deleted (its messages and avatar go with it): its media that nothing outside the chat uses
    /// become removable.
    /// </summary>
    public Task ReleaseChatAsync(Guid chatId, DateTimeOffset now, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync(
            $"""
            UPDATE media SET removable_after = {now}
            WHERE (id IN (SELECT a.media_id FROM message_media a JOIN messages m ON m.id = a.message_id WHERE m.chat_id = {chatId})
                   OR id = (SELECT avatar_media_id FROM chats WHERE id = {chatId}))
              AND NOT EXISTS (SELECT 1 FROM message_media a JOIN messages m ON m.id = a.message_id WHERE a.media_id = media.id AND m.deleted_at IS NULL AND m.chat_id <> {chatId})
              AND NOT EXISTS (SELECT 1 FROM users u WHERE u.avatar_media_id = media.id)
              AND NOT EXISTS (SELECT 1 FROM chats c WHERE c.avatar_media_id = media.id AND c.id <> {chatId})
            """,
            ct);
}
