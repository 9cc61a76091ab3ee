using DistaHilar.Core.Data;

namespace DistaHilar.Core.Pipeline;

/// <summary>Who may do what in a chat, and the limits of its fields. Pure, so every rule has a unit test.</summary>
public static class ChatRules
{
    public const int MaxTitle = Chat.MaxTitle;
    public const int MaxDescription = Chat.MaxDescription;
    public const int MaxInitialMembers = 200;
    public const int MaxAddedAtOnce = 100;

    /// <summary>"Muted until I unmute" (PostgreSQL's infinity does not round-trip through DateTimeOffset).</summary>
    public static readonly DateTimeOffset MutedForever = new(9999, 12, 31, 0, 0, 0, TimeSpan.Zero);

    public static string Name(this ChatRole role) => role switch
    {
        ChatRole.Owner => "owner",
        ChatRole.Admin => "admin",
        ChatRole.Moderator => "moderator",
        _ => "member",
    };

    public static string Name(this ChatType type) => type switch
    {
        ChatType.Dialog => "dialog",
        ChatType.Group => "group",
        _ => "channel",
    };

    public static ChatRole? ParseRole(string? role) => role switch
    {
        "owner" => ChatRole.Owner,
        "admin" => ChatRole.Admin,
        "moderator" => ChatRole.Moderator,
        "member" => ChatRole.Member,
        _ => null,
    };

    /// <summary>Title, description, avatar, public flag, invite links and adding members: owner and admins of groups and channels.</summary>
    public static bool CanManage(ChatType type, ChatRole role) => type != ChatType.Dialog && role >= ChatRole.Admin;

    /// <summary>The member list: everyone in a group; in a channel only its staff (subscribers see just the count).</summary>
    public static bool CanListMembers(ChatType type, ChatRole role) => type != ChatType.Channel || role >= ChatRole.Moderator;

    /// <summary>Removing someone: moderators and up, and only people of a lower rank (an admin cannot touch the owner or another admin).</summary>
    public static bool CanRemove(ChatType type, ChatRole actor, ChatRole target) =>
        type != ChatType.Dialog && actor >= ChatRole.Moderator && actor > target;

    /// <summary>
    /// Changing a role: the owner sets anyone else to admin, moderator or member, or hands ownership over (becoming
    /// admin); an admin moves moderators and members between those two roles. Nobody changes their own role.
    /// </summary>
    public static bool CanChangeRole(ChatType type, ChatRole actor, ChatRole target, ChatRole wanted) =>
        type != ChatType.Dialog
        && actor >= ChatRole.Admin
        && actor > target
        && (actor == ChatRole.Owner || wanted < ChatRole.Admin);

    /// <summary>The lowest role that posts in a channel (a statement that writes a send checks it in SQL too).</summary>
    public const ChatRole ChannelPoster = ChatRole.Admin;

    /// <summary>Who may post: anyone in a dialog or group, owner and admins in a channel.</summary>
    public static bool CanPost(ChatType type, ChatRole role) => type != ChatType.Channel || role >= ChannelPoster;

    /// <summary>Pins: both sides of a dialog; the owner, admins and moderators of a group or channel.</summary>
    public static bool CanPin(ChatType type, ChatRole role) => type == ChatType.Dialog || role >= ChatRole.Moderator;

    /// <summary>Non-members may see a chat only when it is a public group or channel.</summary>
    public static bool IsPreviewable(Chat chat) => IsPreviewable(chat.Type, chat.IsPublic);

    public static bool IsPreviewable(ChatType type, bool isPublic) => type != ChatType.Dialog && isPublic;
}
