using DistaHilar.Core.Common;
using DistaHilar.Core.Data;
using DistaHilar.Core.Media;
using DistaHilar.Core.Pipeline;
using DistaHilar.Core.RateLimiting;
using Microsoft.EntityFrameworkCore;

namespace DistaHilar.Core.Messages;

/// <summary>
/// Full-text search over messages' text (GIN index on a generated tsvector, 'simple' configuration: no stemming, so
/// en, ru and che are treated alike; words match as prefixes), newest first, in pages keyed by message
/// id (time-ordered UUIDv7). In one chat the caller can read; or across the chats they are a member of now — never a
/// chat they left or were removed from. Deleted messages and those deleted "for me" are never found.
/// </summary>
public sealed class MessageSearch(DistaHilarDbContext db, ChatAccess access, MessageViews messageViews, UserLimits limits)
{
    public async Task<Result<Page<MessageView>>> InChatAsync(Caller caller, Guid chatId, string? q, PageRequest page, CancellationToken ct)
    {
        if (Query(q) is not { } query)
        {
            return QueryProblem();
        }

        if (limits.Check(UserAction.Search, caller.UserId) is { } limited)
        {
            return limited;
        }

        var (chat, member) = await access.LoadAsync(caller.UserId, chatId, ct);
        if (chat is null || (member is null && !ChatRules.IsPreviewable(chat)))
        {
            return Problem.NotFound("The chat");
        }

        return await SearchAsync(caller, page, before => db.Database.SqlQuery<Guid>(
            $"""
            SELECT m.id AS "Value" FROM messages m
            WHERE m.chat_id = {chatId} AND m.deleted_at IS NULL AND m.id < {before}
              AND m.search_vector @@ to_tsquery('simple', {query})
              AND NOT EXISTS (SELECT 1 FROM hidden_messages h WHERE h.user_id = {caller.UserId} AND h.message_id = m.id)
            ORDER BY m.id DESC LIMIT {page.Limit + 1}
            """), ct);
    }

    public async Task<Result<Page<MessageView>>> InMyChatsAsync(Caller caller, string? q, PageRequest page, CancellationToken ct)
    {
        if (Query(q) is not { } query)
        {
            return QueryProblem();
        }

        if (limits.Check(UserAction.Search, caller.UserId) is { } limited)
        {
            return limited;
        }

        var me = caller.UserId;
        return await SearchAsync(caller, page, before => db.Database.SqlQuery<Guid>(
            $"""
            SELECT m.id AS "Value" FROM messages m
            WHERE m.chat_id IN (SELECT c.chat_id FROM chat_members c WHERE c.user_id = {me}) AND m.deleted_at IS NULL AND m.id < {before}
              AND m.search_vector @@ to_tsquery('simple', {query})
              AND NOT EXISTS (SELECT 1 FROM hidden_messages h WHERE h.user_id = {me} AND h.message_id = m.id)
            ORDER BY m.id DESC LIMIT {page.Limit + 1}
            """), ct);
    }

    private static string? Query(string? q) => q is { Length: > 0 and <= MessageRules.MaxQuery } ? MessageRules.SearchQuery(q) : null;

    private static Problem QueryProblem() => Problem.Validation("q", $"Search text of 1 to {MessageRules.MaxQuery} characters with at least one letter or digit is required.");

    /// <summary>Runs one page of a search (<paramref name="ids"/>: matching ids below a key, newest first, one more than the page) and loads the page's views.</summary>
    private async Task<Result<Page<MessageView>>> SearchAsync(Caller caller, PageRequest page, Func<Guid, IQueryable<Guid>> ids, CancellationToken ct)
    {
        // Ids are UUIDv7, so "below the last id" is "older than the last message"; the first page starts above every id.
        var before = Guid.AllBitsSet;
        if (page.Cursor is { } cursor)
        {
            var key = Cursor.Decode<SearchCursor>(cursor);
            if (!key.IsSuccess)
            {
                return key.Problem;
            }

            before = key.Value.Before;
        }

        var found = await ids(before).ToListAsync(ct);
        var pageIds = found.Take(page.Limit).ToList();
        var messages = await db.Messages.AsNoTracking().Where(m => pageIds.Contains(m.Id)).OrderByDescending(m => m.Id).ToListAsync(ct);
        var next = found.Count > page.Limit ? Cursor.Encode(new SearchCursor(pageIds[^1])) : null;
        return new Page<MessageView>(await messageViews.PageAsync(messages, caller.UserId, ct), next);
    }

    private sealed record SearchCursor(Guid Before);
}
