using System.Text.RegularExpressions;
using DistaHilar.Core.Common;
using DistaHilar.Core.Data;

namespace DistaHilar.Core.Messages;

public static partial class MessageRules
{
    public const int MaxText = Message.MaxText;

    /// <summary>The text of a message with media.</summary>
    public const int MaxCaption = 1024;

    public const int MaxMedia = 10;
    public const int MaxClientMessageId = Message.MaxClientMessageId;
    public const int PreviewLength = 100;
    public const string SearchConfiguration = "simple"; // the Baseline migration and MessageSearch's SQL name it too
    public const int MaxQuery = 256;
    public const int MaxQueryWords = 10;

    /// <summary>
    /// A search box's text as a tsquery: its words (runs of letters and digits, as the parser splits them), each matched as a prefix, all
    /// required. Built from word characters only, so no input can break the query syntax; null when there is no word.
    /// </summary>
    public static string? SearchQuery(string? text)
    {
        var words = text is null ? [] : WordPattern().Matches(text).Select(m => m.Value.ToLowerInvariant()).Distinct().Take(MaxQueryWords).ToList();
        return words.Count == 0 ? null : string.Join(" & ", words.Select(w => w + ":*"));
    }

    /// <summary>
    /// Text PostgreSQL can store and clients can show: no control characters but line breaks and tabs (NUL is refused
    /// by the database), and no half of a surrogate pair (not encodable as UTF-8).
    /// </summary>
    public static bool IsStorable(string? text)
    {
        if (text is null)
        {
            return true;
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c) || (char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The usernames a text mentions (<c>@name</c>, username rules), lower-cased, each once.</summary>
    public static IReadOnlyList<string> MentionedUsernames(string? text) =>
        text is null ? [] : MentionPattern().Matches(text).Select(m => m.Groups[1].Value.ToLowerInvariant()).Distinct().ToList();

    /// <summary>The first <see cref="PreviewLength"/> characters, never cutting a surrogate pair (an emoji) in half.</summary>
    public static string Preview(string? text)
    {
        if (text is null || text.Length <= PreviewLength)
        {
            return text ?? "";
        }

        var cut = char.IsHighSurrogate(text[PreviewLength - 1]) ? PreviewLength - 1 : PreviewLength;
        return text[..cut] + "…";
    }

    [GeneratedRegex(@"(?<![\w@])@([A-Za-z0-9_]{3,32})\b")]
    private static partial Regex MentionPattern();

    [GeneratedRegex(@"[\p{L}\p{N}]+")]
    private static partial Regex WordPattern();
}

/// <summary>
/// <c>POST /api/chats/{chatId}/messages</c>: text, or up to <see cref="MessageRules.MaxMedia"/> of the sender's uploads
/// with an optional caption of up to <see cref="MessageRules.MaxCaption"/> characters.
/// </summary>
public sealed record SendMessageRequest(string? ClientMessageId, string? Text, Guid? ReplyToId, IReadOnlyList<Guid>? MediaIds)
{
    public bool HasMedia => MediaIds is { Count: > 0 };

    public Problem? Validate() => new Validator()
        .Check(!string.IsNullOrWhiteSpace(ClientMessageId) && ClientMessageId.Length <= MessageRules.MaxClientMessageId, "clientMessageId", $"A client message id of 1 to {MessageRules.MaxClientMessageId} characters is required.")
        .Check(HasMedia || !string.IsNullOrWhiteSpace(Text), "text", "A message needs text or media.")
        .Check(Text is null || Text.Length <= MessageRules.MaxText, "text", $"At most {MessageRules.MaxText} characters.")
        .Check(Text is null || !HasMedia || Text.Length <= MessageRules.MaxCaption, "text", $"A caption has at most {MessageRules.MaxCaption} characters.")
        .Check(MessageRules.IsStorable(Text), "text", "Control characters other than line breaks and tabs, and broken characters, are not allowed.")
        .Check(MessageRules.IsStorable(ClientMessageId), "clientMessageId", "Control characters and broken characters are not allowed.")
        .Check(MediaIds is null || MediaIds.Count <= MessageRules.MaxMedia, "mediaIds", $"At most {MessageRules.MaxMedia} media per message.")
        .Check(MediaIds is null || (!MediaIds.Contains(Guid.Empty) && MediaIds.Distinct().Count() == MediaIds.Count), "mediaIds", "Each media id once.")
        .Check(ReplyToId is null || ReplyToId != Guid.Empty, "replyToId", "Must be a message id.")
        .ToProblem();
}

/// <summary><c>PATCH /api/chats/{chatId}/messages/{messageId}</c>: the author's new text.</summary>
public sealed record EditMessageRequest(string? Text)
{
    public Problem? Validate() => new Validator()
        .Check(!string.IsNullOrWhiteSpace(Text), "text", "A message needs text.")
        .Check(Text is null || Text.Length <= MessageRules.MaxText, "text", $"At most {MessageRules.MaxText} characters.")
        .Check(MessageRules.IsStorable(Text), "text", "Control characters other than line breaks and tabs, and broken characters, are not allowed.")
        .ToProblem();
}

/// <summary><c>POST /api/chats/{chatId}/messages/delete</c>: every id is checked; all are deleted or none.</summary>
public sealed record DeleteMessagesRequest(IReadOnlyList<Guid>? MessageIds, bool? ForEveryone)
{
    public const int MaxIds = 100;

    public Problem? Validate() => new Validator()
        .Check(MessageIds is { Count: > 0 and <= MaxIds }, "messageIds", $"From 1 to {MaxIds} message ids.")
        .Check(MessageIds is null || !MessageIds.Contains(Guid.Empty), "messageIds", "Every id must be a message id.")
        .Check(ForEveryone is not null, "forEveryone", "Say whether to delete for everyone (true) or for you (false).")
        .ToProblem();
}

/// <summary><c>messages.deleted</c>: to every member (for everyone) or to my devices (for me).</summary>
public sealed record MessagesDeleted(Guid ChatId, IReadOnlyList<Guid> MessageIds, bool ForEveryone);

/// <summary><c>POST /api/chats/{chatId}/read</c>.</summary>
public sealed record ReadRequest(Guid? UpToMessageId)
{
    public Problem? Validate() =>
        new Validator().Check(UpToMessageId is { } id && id != Guid.Empty, "upToMessageId", "A message id is required.").ToProblem();
}

public sealed record ReplyPreview(Guid Id, Guid SenderId, string Preview);

/// <summary>Where a forwarded message first came from: its author, chat, id and time.</summary>
public sealed record ForwardedFrom(Guid SenderId, Guid? ChatId, Guid MessageId, DateTimeOffset CreatedAt);

/// <summary>
/// <c>POST /api/chats/{chatId}/messages/forward</c>: copies of messages of a chat the caller can read, in their order.
/// With <see cref="ClientMessageId"/> a retry returns the first forward's copies instead of making new ones.
/// </summary>
public sealed record ForwardMessagesRequest(Guid? FromChatId, IReadOnlyList<Guid>? MessageIds, string? ClientMessageId)
{
    public const int MaxIds = 100;

    /// <summary>Room for the per-copy suffix within the stored key's length.</summary>
    public const int MaxClientMessageId = MessageRules.MaxClientMessageId - 4;

    public Problem? Validate() => new Validator()
        .Check(FromChatId is { } from && from != Guid.Empty, "fromChatId", "The chat to forward from is required.")
        .Check(MessageIds is { Count: > 0 and <= MaxIds }, "messageIds", $"From 1 to {MaxIds} message ids.")
        .Check(MessageIds is null || !MessageIds.Contains(Guid.Empty), "messageIds", "Every id must be a message id.")
        .Check(MessageIds is null || MessageIds.Distinct().Count() == MessageIds.Count, "messageIds", "Each message once.")
        .Check(ClientMessageId is null || (!string.IsNullOrWhiteSpace(ClientMessageId) && ClientMessageId.Length <= MaxClientMessageId), "clientMessageId", $"1 to {MaxClientMessageId} characters when given.")
        .Check(MessageRules.IsStorable(ClientMessageId), "clientMessageId", "Control characters and broken characters are not allowed.")
        .ToProblem();

    /// <summary>The stored idempotency key of the copy at <paramref name="index"/> (0-based).</summary>
    public static string CopyKey(string clientMessageId, int index) => $"{clientMessageId}#{index}";
}

/// <summary>
/// A message as api.md shapes it (media, reactions, pins and forwards arrive with their own work). The sender's
/// <c>clientMessageId</c> is included so a device can match <c>message.created</c> to its own pending send.
/// <c>readByPeer</c> is set in dialog histories (the peer's read pointer is at or past the message) and false on a
/// new dialog message; elsewhere it is null (groups get read counts through <c>read.updated</c>).
/// </summary>
public sealed record MessageView(
    Guid Id,
    Guid ChatId,
    Guid SenderId,
    string? Text,
    ReplyPreview? ReplyTo,
    ForwardedFrom? ForwardedFrom,
    IReadOnlyList<Media.MediaView> Media,
    IReadOnlyList<ReactionCount> Reactions,
    bool Pinned,
    DateTimeOffset? EditedAt,
    DateTimeOffset CreatedAt,
    long Seq,
    string? ClientMessageId,
    bool? ReadByPeer = null,
    CallSummary? Call = null);

/// <summary>Where the caller's read pointer is after <c>POST /read</c>, and what is still unread.</summary>
public sealed record ReadState(Guid ChatId, long ReadSeq, int UnreadCount);

/// <summary>The record of a call in its dialog (a service message, <c>message.call</c>).</summary>
public sealed record CallSummary(Guid CallId, string Status, bool Video, int? DurationSeconds, string? EndReason);
