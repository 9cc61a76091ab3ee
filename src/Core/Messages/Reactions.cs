using System.Globalization;
using System.Text.Json;
using DistaHilar.Core.Common;
using DistaHilar.Core.Data;
using DistaHilar.Core.Pipeline;
using DistaHilar.Core.RateLimiting;
using DistaHilar.Core.Realtime;
using DistaHilar.Core.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Npgsql;
using NpgsqlTypes;

namespace DistaHilar.Core.Messages;

/// <summary><c>PUT …/reactions</c> <c>{emoji}</c>: one emoji (one grapheme, e.g. 👍🏽 or ❤️).</summary>
public sealed record ReactionRequest(string? Emoji)
{
    public const int MaxLength = MessageReaction.MaxEmoji;

    public Problem? Validate() => new Validator()
        .Check(
            Emoji is { Length: > 0 and <= MaxLength } e && new StringInfo(e).LengthInTextElements == 1 && !e.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || char.IsLetterOrDigit(c)),
            "emoji",
            "Must be a single emoji.")
        .ToProblem();
}

/// <summary>A message's reactions as one viewer sees them.</summary>
public sealed record ReactionCount(string Emoji, int Count, bool Mine);

/// <summary><c>reactions.updated</c>: a message's counts after a change (no <c>mine</c>: everyone gets the same event).</summary>
public sealed record ReactionsUpdated(Guid ChatId, Guid MessageId, IReadOnlyList<ReactionCount> Reactions);

/// <summary>A row of "who reacted".</summary>
public sealed record ReactorView(PublicProfile User, string Emoji, DateTimeOffset ReactedAt);

/// <summary>
/// Reactions: counts are never stored, they are counted from the rows (one per user per message), so they are exact
/// under any concurrency; changes in one chat are ordered by the chat row's lock, so each event's counts are current.
/// </summary>
public sealed class ReactionService(DistaHilarDbContext db, ChatAccess access, WritePipeline pipeline, RealtimeEvents events, UserLimits limits, TimeProvider time)
{
    public const string Updated = "reactions.updated";

    private const string Sql = "SELECT * FROM react_message(@chat, @user, @message, @emoji, @now, @dialog, @kind, @target, @event, @payload, @created_at, @available_at, @published_at)";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<Result<IReadOnlyList<ReactionCount>>> SetAsync(Caller caller, Guid chatId, Guid messageId, ReactionRequest request, CancellationToken ct)
    {
        if (request.Validate() is { } invalid)
        {
            return invalid;
        }

        if (limits.Check(UserAction.Reaction, caller.UserId) is { } limited)
        {
            return limited;
        }

        return await ChangeAsync(caller, chatId, messageId, request.Emoji, ct);
    }

    public async Task<Result<Done>> RemoveAsync(Caller caller, Guid chatId, Guid messageId, CancellationToken ct)
    {
        // Removing counts too: set/remove in a loop would otherwise flood the chat with reactions.updated.
        if (limits.Check(UserAction.Reaction, caller.UserId) is { } limited)
        {
            return limited;
        }

        var result = await ChangeAsync(caller, chatId, messageId, emoji: null, ct);
        return result.IsSuccess ? Done.Value : result.Problem;
    }

    /// <summary>
    /// Who reacted (optionally with one emoji), earliest first; members, and anyone for public groups. In a channel
    /// only those who may list its members (the staff): a post's reactors would tell subscribers who else subscribes.
    /// </summary>
    public async Task<Result<Page<ReactorView>>> ListAsync(Caller caller, Guid chatId, Guid messageId, string? emoji, PageRequest page, CancellationToken ct)
    {
        var (chat, me) = await access.LoadAsync(caller.UserId, chatId, ct);
        if (chat is null || (me is null && !ChatRules.IsPreviewable(chat)))
        {
            return Problem.NotFound("The chat");
        }

        if (chat.Type == ChatType.Channel && (me is null || !ChatRules.CanListMembers(chat.Type, me.Role)))
        {
            return Problem.Forbidden("In a channel only the owner, admins and moderators see who reacted; the counts are on the post.");
        }

        if (!await db.Messages.AnyAsync(m => m.Id == messageId && m.ChatId == chatId && m.DeletedAt == null, ct))
        {
            return Problem.NotFound("The message");
        }

        ReactorCursor? after = null;
        if (page.Cursor is not null)
        {
            var cursor = Cursor.Decode<ReactorCursor>(page.Cursor);
            if (!cursor.IsSuccess)
            {
                return cursor.Problem;
            }

            after = cursor.Value;
        }

        var rows = db.MessageReactions.AsNoTracking().Where(r => r.MessageId == messageId);
        if (!string.IsNullOrEmpty(emoji))
        {
            rows = rows.Where(r => r.Emoji == emoji);
        }

        if (after is not null)
        {
            rows = rows.Where(r => r.CreatedAt > after.At || (r.CreatedAt == after.At && r.UserId.CompareTo(after.UserId) > 0));
        }

        var found = await rows.OrderBy(r => r.CreatedAt).ThenBy(r => r.UserId).Take(page.Limit + 1).ToListAsync(ct);
        var shown = found.Take(page.Limit).ToList();
        var ids = shown.Select(r => r.UserId).ToList();
        var users = await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id)).ToDictionaryAsync(u => u.Id, ct);
        var profiles = await db.ProfilesForAsync(caller.UserId, ids.Select(id => users[id]).ToList(), time.GetUtcNow(), ct);
        var next = found.Count > page.Limit ? Cursor.Encode(new ReactorCursor(shown[^1].CreatedAt, shown[^1].UserId)) : null;
        return new Page<ReactorView>(shown.Select((r, i) => new ReactorView(profiles[i], r.Emoji, r.CreatedAt)).ToList(), next);
    }

    /// <summary>
    /// Sets (or with no emoji removes) the caller's reaction in one statement, <c>react_message</c> (ReactionStatement
    /// migration): it locks the chat row, checks membership and the message after the lock, writes, counts, and when
    /// something changed takes the chat's next event number and writes <c>reactions.updated</c> with the counts.
    /// </summary>
    private async Task<Result<IReadOnlyList<ReactionCount>>> ChangeAsync(Caller caller, Guid chatId, Guid messageId, string? emoji, CancellationToken ct)
    {
        var prepared = events.PrepareToChat(chatId, Updated, new ReactionsUpdated(chatId, messageId, []));
        var (status, counts, outboxId, payload) = await db.RunStatementAsync(
            Sql,
            p =>
            {
                p.Add(new NpgsqlParameter<Guid>("chat", chatId));
                p.Add(new NpgsqlParameter<Guid>("user", caller.UserId));
                p.Add(new NpgsqlParameter<Guid>("message", messageId));
                p.Add(new NpgsqlParameter("emoji", NpgsqlDbType.Text) { Value = (object?)emoji ?? DBNull.Value });
                p.Add(new NpgsqlParameter<DateTimeOffset>("now", prepared.CreatedAt));
                p.Add(new NpgsqlParameter<short>("dialog", (short)ChatType.Dialog));
                p.AddOutboxRow(prepared);
            },
            async (reader, token) =>
            {
                await reader.ReadAsync(token);
                return (
                    Status: reader.GetInt16(0),
                    Counts: await reader.IsDBNullAsync(1, token) ? null : reader.GetString(1),
                    OutboxId: await reader.IsDBNullAsync(2, token) ? (long?)null : reader.GetInt64(2),
                    Payload: await reader.IsDBNullAsync(3, token) ? null : reader.GetString(3));
            },
            ct);
        switch (status)
        {
            case 1:
                return ChatAccess.NotMember(previewable: false);
            case 2:
                return ChatAccess.NotMember(previewable: true);
            case 3:
                return Problem.NotFound("The message");
        }

        if (outboxId is { } id)
        {
            await pipeline.PublishWrittenAsync(prepared, id, payload!, ct);
        }

        return JsonSerializer.Deserialize<List<ReactionCount>>(counts!, Json)!;
    }

    private sealed record ReactorCursor(DateTimeOffset At, Guid UserId);
}
