using DistaHilar.Core.Common;
using DistaHilar.Core.Data;
using DistaHilar.Core.Pipeline;
using DistaHilar.Core.Realtime;
using DistaHilar.Core.Users;
using Microsoft.EntityFrameworkCore;

namespace DistaHilar.Core.Folders;

/// <summary>
/// My chat folders: at most <see cref="FolderRules.MaxFolders"/>, each holding chats I am a member of. Every change
/// reaches my other devices as <c>folder.updated</c>. Other users' folders are 404.
/// </summary>
public sealed class FolderService(DistaHilarDbContext db, WritePipeline pipeline, RealtimeEvents events, TimeProvider time)
{
    public const string Event = "folder.updated";

    public async Task<IReadOnlyList<FolderView>> ListAsync(Caller caller, CancellationToken ct)
    {
        var folders = await db.Folders.AsNoTracking().Where(f => f.UserId == caller.UserId).OrderBy(f => f.CreatedAt).ThenBy(f => f.Id).ToListAsync(ct);
        var ids = folders.Select(f => f.Id).ToList();
        var chats = (await db.FolderChats.AsNoTracking().Where(e => ids.Contains(e.FolderId)).ToListAsync(ct)).ToLookup(e => e.FolderId, e => e.ChatId);
        return folders.Select(f => new FolderView(f.Id, f.Name, f.Icon, [.. chats[f.Id].Order()])).ToList();
    }

    public async Task<Result<FolderView>> CreateAsync(Caller caller, CreateFolderRequest request, CancellationToken ct)
    {
        if (request.Validate() is { } invalid)
        {
            return invalid;
        }

        return await pipeline.RunAsync<FolderView>(
            async () =>
            {
                // Serialises my folder changes, so two concurrent creations cannot both pass the limit.
                await db.Database.SqlQuery<int>($"SELECT 1 AS \"Value\" FROM users WHERE id = {caller.UserId} FOR NO KEY UPDATE").ToListAsync(ct);
                if (await db.Folders.CountAsync(f => f.UserId == caller.UserId, ct) >= FolderRules.MaxFolders)
                {
                    return Problem.Unprocessable($"At most {FolderRules.MaxFolders} folders.");
                }

                var chatIds = (request.ChatIds ?? []).Distinct().ToList();
                if (await NotMineAsync(caller, chatIds, ct) is { } notMine)
                {
                    return notMine;
                }

                var folder = new Folder { Id = Guid.CreateVersion7(), UserId = caller.UserId, Name = UserRules.Clean(request.Name)!, Icon = UserRules.Clean(request.Icon), CreatedAt = time.GetUtcNow() };
                db.Folders.Add(folder);
                db.FolderChats.AddRange(chatIds.Select(id => new FolderChat { FolderId = folder.Id, ChatId = id }));
                var view = new FolderView(folder.Id, folder.Name, folder.Icon, [.. chatIds.Order()]);
                events.ToUser(caller.UserId, Event, new FolderUpdated(folder.Id, false, view));
                return view;
            },
            ct);
    }

    public async Task<Result<FolderView>> UpdateAsync(Caller caller, Guid folderId, UpdateFolderRequest request, CancellationToken ct)
    {
        if (request.Validate() is { } invalid)
        {
            return invalid;
        }

        return await pipeline.RunAsync<FolderView>(
            async () =>
            {
                var folder = await MineAsync(caller, folderId, ct, locked: true);
                if (folder is null)
                {
                    return Problem.NotFound("The folder");
                }

                folder.Name = request.Name is null ? folder.Name : UserRules.Clean(request.Name)!;
                folder.Icon = request.Icon is null ? folder.Icon : UserRules.Clean(request.Icon);
                if (request.ChatIds is { } wanted)
                {
                    var chatIds = wanted.Distinct().ToList();
                    if (await NotMineAsync(caller, chatIds, ct) is { } notMine)
                    {
                        return notMine;
                    }

                    await db.FolderChats.Where(e => e.FolderId == folderId).ExecuteDeleteAsync(ct);
                    db.FolderChats.AddRange(chatIds.Select(id => new FolderChat { FolderId = folderId, ChatId = id }));
                }

                await db.SaveChangesAsync(ct);
                var view = await ViewAsync(folder, ct);
                events.ToUser(caller.UserId, Event, new FolderUpdated(folderId, false, view));
                return view;
            },
            ct);
    }

    public async Task<Result<Done>> DeleteAsync(Caller caller, Guid folderId, CancellationToken ct)
    {
        return await pipeline.SaveAsync<Done>(
            async () =>
            {
                var folder = await MineAsync(caller, folderId, ct);
                if (folder is null)
                {
                    return Problem.NotFound("The folder");
                }

                db.Folders.Remove(folder);
                events.ToUser(caller.UserId, Event, new FolderUpdated(folderId, true, null));
                return Done.Value;
            },
            ct);
    }

    /// <summary>Adds one of my chats to a folder; adding it again changes nothing.</summary>
    public async Task<Result<Done>> AddChatAsync(Caller caller, Guid folderId, Guid chatId, CancellationToken ct)
    {
        return await pipeline.RunAsync<Done>(
            async () =>
            {
                var folder = await MineAsync(caller, folderId, ct, locked: true);
                if (folder is null)
                {
                    return Problem.NotFound("The folder");
                }

                if (await NotMineAsync(caller, [chatId], ct) is not null)
                {
                    return Problem.NotFound("The chat");
                }

                if (!await db.FolderChats.AnyAsync(e => e.FolderId == folderId && e.ChatId == chatId, ct))
                {
                    if (await db.FolderChats.CountAsync(e => e.FolderId == folderId, ct) >= FolderRules.MaxChats)
                    {
                        return Problem.Unprocessable($"At most {FolderRules.MaxChats} chats in a folder.");
                    }

                    db.FolderChats.Add(new FolderChat { FolderId = folderId, ChatId = chatId });
                    await db.SaveChangesAsync(ct);
                    events.ToUser(caller.UserId, Event, new FolderUpdated(folderId, false, await ViewAsync(folder, ct)));
                }

                return Done.Value;
            },
            ct);
    }

    /// <summary>Takes a chat out of a folder; a chat that is not in it is not an error.</summary>
    public async Task<Result<Done>> RemoveChatAsync(Caller caller, Guid folderId, Guid chatId, CancellationToken ct)
    {
        return await pipeline.RunAsync<Done>(
            async () =>
            {
                var folder = await MineAsync(caller, folderId, ct, locked: true);
                if (folder is null)
                {
                    return Problem.NotFound("The folder");
                }

                if (await db.FolderChats.Where(e => e.FolderId == folderId && e.ChatId == chatId).ExecuteDeleteAsync(ct) > 0)
                {
                    events.ToUser(caller.UserId, Event, new FolderUpdated(folderId, false, await ViewAsync(folder, ct)));
                }

                return Done.Value;
            },
            ct);
    }

    private async Task<Folder?> MineAsync(Caller caller, Guid folderId, CancellationToken ct, bool locked = false)
    {
        if (locked)
        {
            await db.Database.SqlQuery<int>($"SELECT 1 AS \"Value\" FROM folders WHERE id = {folderId} FOR NO KEY UPDATE").ToListAsync(ct);
        }

        return await db.Folders.FirstOrDefaultAsync(f => f.Id == folderId && f.UserId == caller.UserId, ct);
    }

    /// <summary>400 when any id is not a chat I am in (unknown and other people's chats look the same).</summary>
    private async Task<Problem?> NotMineAsync(Caller caller, List<Guid> chatIds, CancellationToken ct)
    {
        if (chatIds.Count == 0)
        {
            return null;
        }

        var mine = await db.ChatMembers.Where(m => m.UserId == caller.UserId && chatIds.Contains(m.ChatId)).CountAsync(ct);
        return mine == chatIds.Count ? null : Problem.Validation("chatIds", "Every chat must be one of your chats.");
    }

    private async Task<FolderView> ViewAsync(Folder folder, CancellationToken ct) =>
        new(folder.Id, folder.Name, folder.Icon, [.. (await db.FolderChats.Where(e => e.FolderId == folder.Id).Select(e => e.ChatId).ToListAsync(ct)).Order()]);
}
