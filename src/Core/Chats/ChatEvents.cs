namespace DistaHilar.Core.Chats;

/// <summary>Realtime event names of chats and members (<c>asyncapi.yaml</c> describes their payloads).</summary>
public static class ChatEvents
{
    public const string Created = "chat.created";
    public const string Updated = "chat.updated";
    public const string Deleted = "chat.deleted";
    public const string MemberJoined = "member.joined";
    public const string MemberLeft = "member.left";
    public const string MemberUpdated = "member.updated";
}

/// <summary><c>chat.updated</c> to every member: the chat's shared details after the change.</summary>
public sealed record ChatUpdated(Guid ChatId, string? Title, string? Description, string? AvatarUrl, bool IsPublic, int MemberCount);

/// <summary><c>chat.updated</c> to my own devices only: my mute state for the chat.</summary>
public sealed record ChatMuteUpdated(Guid ChatId, bool Muted, DateTimeOffset? MutedUntil);

/// <summary><c>chat.deleted</c>: for everyone (to all members), or a dialog hidden for me (to my devices).</summary>
public sealed record ChatDeleted(Guid ChatId, bool ForEveryone);

/// <summary><c>member.joined</c>: who came in (by link, public join, or added by <c>AddedBy</c>).</summary>
public sealed record MembersJoined(Guid ChatId, IReadOnlyList<MemberView> Members, Guid? AddedBy);

/// <summary><c>member.left</c>: to the members and to the one who left or was removed.</summary>
public sealed record MemberLeft(Guid ChatId, Guid UserId, Guid? RemovedBy);

/// <summary><c>member.updated</c>: new roles (two entries for an ownership handover).</summary>
public sealed record MembersUpdated(Guid ChatId, IReadOnlyList<MemberRole> Members);

public sealed record MemberRole(Guid UserId, string Role);
