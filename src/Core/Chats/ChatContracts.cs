using DistaHilar.Core.Common;
using DistaHilar.Core.Pipeline;
using DistaHilar.Core.Users;

namespace DistaHilar.Core.Chats;

/// <summary><c>POST /api/chats/dialogs</c>.</summary>
public sealed record CreateDialogRequest(Guid? UserId)
{
    public Problem? Validate() =>
        new Validator().Check(UserId is { } id && id != Guid.Empty, "userId", "A user id is required.").ToProblem();
}

/// <summary><c>POST /api/chats/groups</c> and <c>/channels</c>: the creator becomes the owner.</summary>
public sealed record CreateChatRequest(string? Title, string? Description, IReadOnlyList<Guid>? MemberIds, bool? IsPublic)
{
    public Problem? Validate()
    {
        var v = new Validator();
        ChatFields.Title(v, UserRules.Clean(Title), required: true);
        ChatFields.Description(v, Description);
        if (MemberIds is { } ids)
        {
            v.Check(ids.Count <= ChatRules.MaxInitialMembers, "memberIds", $"At most {ChatRules.MaxInitialMembers} members at creation.");
            v.Check(!ids.Contains(Guid.Empty), "memberIds", "Every member id must be a user id.");
        }

        return v.ToProblem();
    }
}

/// <summary><c>PATCH /api/chats/{chatId}</c>: absent or null fields stay; an empty description or avatar clears it (nothing else sets an avatar here).</summary>
public sealed record UpdateChatRequest(string? Title, string? Description, string? AvatarUrl, bool? IsPublic)
{
    public Problem? Validate()
    {
        var v = new Validator();
        if (Title is not null)
        {
            ChatFields.Title(v, UserRules.Clean(Title), required: true);
        }

        ChatFields.Description(v, Description);
        // Avatars come only from uploaded images (PUT /api/chats/{id}/avatar): an external URL would be fetched by
        // every member's client, telling its owner who is in the chat. An empty value still removes the avatar.
        v.Check(
            string.IsNullOrWhiteSpace(AvatarUrl),
            "avatarUrl",
            "Only an empty value (removing the avatar) is accepted; set one with PUT /api/chats/{chatId}/avatar and an uploaded image.");

        v.Check(Title is not null || Description is not null || AvatarUrl is not null || IsPublic is not null, "body", "Nothing to change.");
        return v.ToProblem();
    }
}

/// <summary><c>POST /api/chats/{chatId}/members</c>.</summary>
public sealed record AddMembersRequest(IReadOnlyList<Guid>? UserIds)
{
    public Problem? Validate()
    {
        var v = new Validator();
        v.Check(UserIds is { Count: > 0 }, "userIds", "At least one user id is required.");
        v.Check(UserIds is null || UserIds.Count <= ChatRules.MaxAddedAtOnce, "userIds", $"At most {ChatRules.MaxAddedAtOnce} at once.");
        v.Check(UserIds is null || !UserIds.Contains(Guid.Empty), "userIds", "Every id must be a user id.");
        return v.ToProblem();
    }
}

/// <summary><c>PATCH /api/chats/{chatId}/members/{userId}</c>; <c>owner</c> is the owner's handover.</summary>
public sealed record ChangeRoleRequest(string? Role)
{
    public Problem? Validate() =>
        new Validator().Check(ChatRules.ParseRole(Role) is not null, "role", "Must be one of owner, admin, moderator, member.").ToProblem();
}

/// <summary><c>PUT /api/chats/{chatId}/mute</c>: no <c>until</c> mutes until unmuted.</summary>
public sealed record MuteRequest(DateTimeOffset? Until);

/// <summary>A chat as one caller sees it: their role and mute state; the invite code only for its managers.</summary>
public sealed record ChatView(
    Guid Id,
    string Type,
    string? Title,
    string? Description,
    string? AvatarUrl,
    bool IsPublic,
    int MemberCount,
    string? MyRole,
    bool Muted,
    DateTimeOffset? MutedUntil,
    string? InviteCode,
    DateTimeOffset CreatedAt,
    PublicProfile? Peer);

/// <summary>A row of a chat's member list.</summary>
public sealed record MemberView(PublicProfile User, string Role, DateTimeOffset JoinedAt);

/// <summary><c>POST /api/chats/{chatId}/invite-link</c>.</summary>
public sealed record InviteLinkView(string InviteCode);

internal static class ChatFields
{
    public static void Title(Validator v, string? title, bool required)
    {
        if (string.IsNullOrEmpty(title))
        {
            v.Check(!required, "title", "A title is required.");
            return;
        }

        v.Check(title.Length <= ChatRules.MaxTitle, "title", $"At most {ChatRules.MaxTitle} characters.");
        v.Check(!title.Any(char.IsControl), "title", "Control characters are not allowed.");
    }

    public static void Description(Validator v, string? description)
    {
        var text = description?.Trim();
        v.Check(text is null || text.Length <= ChatRules.MaxDescription, "description", $"At most {ChatRules.MaxDescription} characters.");
        v.Check(text is null || !text.Any(c => char.IsControl(c) && c is not '\n'), "description", "Control characters other than line breaks are not allowed.");
    }
}
