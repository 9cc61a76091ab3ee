using DistaHilar.Core.Common;
using DistaHilar.Core.Data;
using DistaHilar.Core.Users;

namespace DistaHilar.Core.Folders;

public static class FolderRules
{
    public const int MaxFolders = 10;
    public const int MaxName = Folder.MaxName;
    public const int MaxIcon = Folder.MaxIcon;
    public const int MaxChats = 200;

    internal static void Validate(Validator v, string? name, bool nameRequired, string? icon, IReadOnlyList<Guid>? chatIds)
    {
        var cleaned = UserRules.Clean(name);
        if (cleaned is null)
        {
            v.Check(!nameRequired, "name", "A name is required.");
        }
        else
        {
            v.Check(cleaned.Length <= MaxName, "name", $"At most {MaxName} characters.");
            v.Check(!cleaned.Any(char.IsControl), "name", "Control characters are not allowed.");
        }

        v.Check(icon is null || icon.Trim().Length <= MaxIcon, "icon", $"At most {MaxIcon} characters.");
        v.Check(icon is null || !icon.Any(char.IsControl), "icon", "Control characters are not allowed.");
        v.Check(chatIds is null || chatIds.Count <= MaxChats, "chatIds", $"At most {MaxChats} chats in a folder.");
        v.Check(chatIds is null || !chatIds.Contains(Guid.Empty), "chatIds", "Every id must be a chat id.");
    }
}

/// <summary><c>POST /api/folders</c>.</summary>
public sealed record CreateFolderRequest(string? Name, string? Icon, IReadOnlyList<Guid>? ChatIds)
{
    public Problem? Validate()
    {
        var v = new Validator();
        FolderRules.Validate(v, Name, nameRequired: true, Icon, ChatIds);
        return v.ToProblem();
    }
}

/// <summary><c>PATCH /api/folders/{folderId}</c>: absent fields stay; a blank icon clears it; <c>chatIds</c> replaces the whole list.</summary>
public sealed record UpdateFolderRequest(string? Name, string? Icon, IReadOnlyList<Guid>? ChatIds)
{
    public Problem? Validate()
    {
        var v = new Validator();
        FolderRules.Validate(v, Name, nameRequired: false, Icon, ChatIds);
        v.Check(Name is null || UserRules.Clean(Name) is not null, "name", "A folder's name cannot be blank.");
        v.Check(Name is not null || Icon is not null || ChatIds is not null, "body", "Nothing to change.");
        return v.ToProblem();
    }
}

public sealed record FolderView(Guid Id, string Name, string? Icon, IReadOnlyList<Guid> ChatIds);

/// <summary><c>folder.updated</c> to my devices: the folder as it is now, or <c>deleted</c>.</summary>
public sealed record FolderUpdated(Guid FolderId, bool Deleted, FolderView? Folder);
