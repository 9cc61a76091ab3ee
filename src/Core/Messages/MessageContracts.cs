using System.Text.RegularExpressions;
using DistaHilar.Core.Common;

namespace DistaHilar.Core.Messages;

public static partial class MessageRules
{
    public const int MaxText = 4096;
    public const int MaxClientMessageId = 64;
    public const int PreviewLength = 100;

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
}

/// <summary><c>POST /api/chats/{chatId}/messages</c>. Media arrive with the media issue; until then a message is text.</summary>
public sealed record SendMessageRequest(string? ClientMessageId, string? Text, Guid? ReplyToId, IReadOnlyList<Guid>? MediaIds)
{
    public Problem? Validate() => new Validator()
        .Check(!string.IsNullOrWhiteSpace(ClientMessageId) && ClientMessageId.Length <= MessageRules.MaxClientMessageId, "clientMessageId", $"A client message id of 1 to {MessageRules.MaxClientMessageId} characters is required.")
        .Check(!string.IsNullOrWhiteSpace(Text), "text", "A message needs text.")
        .Check(Text is null || Text.Length <= MessageRules.MaxText, "text", $"At most {MessageRules.MaxText} characters.")
        .Check(MediaIds is null || MediaIds.Count == 0, "mediaIds", "Media are not supported yet.")
        .Check(ReplyToId is null || ReplyToId != Guid.Empty, "replyToId", "Must be a message id.")
        .ToProblem();
}

/// <summary><c>PATCH /api/chats/{chatId}/messages/{messageId}</c>: the author's new text.</summary>
public sealed record EditMessageRequest(string? Text)
{
    public Problem? Validate() => new Validator()
        .Check(!string.IsNullOrWhiteSpace(Text), "text", "A message needs text.")
        .Check(Text is null || Text.Length <= MessageRules.MaxText, "text", $"At most {MessageRules.MaxText} characters.")
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

/// <summary>
/// A message as api.md shapes it (media, reactions, pins and forwards arrive with their own work). The sender's
/// <c>clientMessageId</c> is included so a device can match <c>message.created</c> to its own pending send.
/// </summary>
public sealed record MessageView(
    Guid Id,
    Guid ChatId,
    Guid SenderId,
    string? Text,
    ReplyPreview? ReplyTo,
    object? ForwardedFrom,
    IReadOnlyList<object> Media,
    IReadOnlyList<ReactionCount> Reactions,
    bool Pinned,
    DateTimeOffset? EditedAt,
    DateTimeOffset CreatedAt,
    long Seq,
    string? ClientMessageId);

/// <summary>Where the caller's read pointer is after <c>POST /read</c>, and what is still unread.</summary>
public sealed record ReadState(Guid ChatId, long ReadSeq, int UnreadCount);
