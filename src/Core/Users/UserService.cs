using DistaHilar.Core.Common;
using DistaHilar.Core.Data;
using DistaHilar.Core.Media;
using DistaHilar.Core.Pipeline;
using DistaHilar.Core.RateLimiting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DistaHilar.Core.Users;

/// <summary>My profile and settings, other users' public profiles and user search.</summary>
public sealed class UserService(
    DistaHilarDbContext db,
    AvatarImages avatars,
    UserUniqueness uniqueness,
    WritePipeline pipeline,
    UserLimits limits,
    RateLimiter sharedLimits,
    IOptions<RateLimitOptions> limitOptions,
    TimeProvider time)
{
    private static readonly Problem Gone = Problem.Unauthorized("The account no longer exists.");

    public async Task<Result<MyProfile>> GetMeAsync(Caller caller, CancellationToken ct) =>
        await FindLiveAsync(caller.UserId, ct) is { } user ? MyProfile.Of(user) : Gone;

    public async Task<Result<MyProfile>> UpdateMeAsync(Caller caller, ProfilePatch patch, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(patch);
        if (limits.Check(UserAction.ProfileUpdate, caller.UserId) is { } limited)
        {
            return limited;
        }

        // A 409 tells whether an email or phone is someone's: attempts to set one are also counted across instances.
        if ((patch.Email.IsSet || patch.Phone.IsSet)
            && await sharedLimits.CheckAsync([new($"profile:contact:{caller.UserId:N}", limitOptions.Value.EmailPhoneChangesPerDay)], TimeSpan.FromDays(1), ct) is { } wait)
        {
            return Problem.RateLimited(wait);
        }

        if (await FindLiveAsync(caller.UserId, ct) is not { } user)
        {
            return Gone;
        }

        if (await uniqueness.ProblemAsync(patch.Username.Value, patch.Email.Value, patch.Phone.Value, user.Id, ct) is { } taken)
        {
            return taken;
        }

        if (patch.Username.IsSet)
        {
            user.Username = patch.Username.Value;
        }

        if (patch.Email.IsSet)
        {
            user.Email = patch.Email.Value;
        }

        if (patch.Phone.IsSet)
        {
            user.Phone = patch.Phone.Value;
        }

        if (patch.Name.IsSet)
        {
            user.Name = patch.Name.Value!;
        }

        if (patch.Surname.IsSet)
        {
            user.Surname = patch.Surname.Value;
        }

        if (patch.Bio.IsSet)
        {
            user.Bio = patch.Bio.Value;
        }

        return await pipeline.SaveAsync(() => Task.FromResult<Result<MyProfile>>(MyProfile.Of(user)), ct, UserUniqueness.Taken<MyProfile>());
    }

    /// <summary>Sets (or with a null request removes) my avatar: an image of mine that finished processing.</summary>
    public async Task<Result<MyProfile>> SetAvatarAsync(Caller caller, SetAvatarRequest? request, CancellationToken ct)
    {
        MediaAsset? image = null;
        if (request is not null)
        {
            var usable = await avatars.UsableAsync(caller.UserId, request, ct);
            if (!usable.IsSuccess)
            {
                return usable.Problem;
            }

            image = usable.Value;
        }

        return await pipeline.RunAsync<MyProfile>(
            async () =>
            {
                var user = await db.Users.FirstOrDefaultAsync(u => u.Id == caller.UserId && u.DeletedAt == null, ct);
                if (user is null)
                {
                    return Problem.NotFound("The account");
                }

                var previous = user.AvatarMediaId;
                user.AvatarMediaId = image?.Id;
                user.AvatarUrl = image is null ? null : AvatarImages.Url(image);
                await db.SaveChangesAsync(ct);
                await avatars.ReplacedAsync(previous, image?.Id, time.GetUtcNow(), ct);
                return MyProfile.Of(user);
            },
            ct);
    }

    public async Task<Result<UserSettings>> GetSettingsAsync(Caller caller, CancellationToken ct) =>
        await FindLiveAsync(caller.UserId, ct) is { } user ? UserSettings.Of(user) : Gone;

    public async Task<Result<UserSettings>> UpdateSettingsAsync(Caller caller, SettingsPatch patch, CancellationToken ct)
    {
        if (patch.Validate() is { } invalid)
        {
            return invalid;
        }

        if (await FindLiveAsync(caller.UserId, ct) is not { } user)
        {
            return Gone;
        }

        user.NotificationsEnabled = patch.Notifications ?? user.NotificationsEnabled;
        user.Language = patch.Language ?? user.Language;
        user.LastSeenVisibility = patch.LastSeenVisibility ?? user.LastSeenVisibility;
        await db.SaveChangesAsync(ct);
        return UserSettings.Of(user);
    }

    public async Task<Result<PublicProfile>> GetPublicAsync(Caller viewer, Guid userId, CancellationToken ct)
    {
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId, ct);
        if (user is null)
        {
            return Problem.NotFound("The user");
        }

        return (await db.ProfilesForAsync(viewer.UserId, [user], time.GetUtcNow(), ct))[0];
    }

    /// <summary>
    /// Users whose username or "name surname" contains the query (trigram indexes), ordered by username with a
    /// keyset cursor; two queries per page whatever its size.
    /// </summary>
    public Task<Result<Page<PublicProfile>>> SearchAsync(Caller viewer, string? query, PageRequest page, CancellationToken ct) =>
        SearchAsync(viewer, query, page, metered: true, ct);

    /// <param name="metered">False when part of a search already counted (the chat search's people section).</param>
    internal async Task<Result<Page<PublicProfile>>> SearchAsync(Caller viewer, string? query, PageRequest page, bool metered, CancellationToken ct)
    {
        var q = query?.Trim().ToLowerInvariant();
        if (q is not { Length: >= 1 and <= 64 })
        {
            return Problem.Validation("q", "A search text of 1 to 64 characters is required.");
        }

        if (metered && limits.Check(UserAction.Search, viewer.UserId) is { } limited)
        {
            return limited;
        }

        string? after = null;
        if (page.Cursor is not null)
        {
            var cursor = Cursor.Decode<UsernameCursor>(page.Cursor);
            if (!cursor.IsSuccess)
            {
                return cursor.Problem;
            }

            after = cursor.Value.After;
        }

        var pattern = q.Length >= 3 ? SqlLike.Contains(q) : SqlLike.StartsWith(q);
        var users = await db.Users.AsNoTracking()
            .Where(u => u.DeletedAt == null && u.Username != null)
            .Where(u => EF.Functions.Like(u.Username!, pattern, "\\") || EF.Functions.Like((u.Name + " " + (u.Surname ?? "")).ToLower(), pattern, "\\"))
            .Where(u => after == null || string.Compare(u.Username, after) > 0)
            .OrderBy(u => u.Username)
            .Take(page.Limit + 1)
            .ToListAsync(ct);

        var shown = users.Take(page.Limit).ToList();
        var next = users.Count > page.Limit ? Cursor.Encode(new UsernameCursor(shown[^1].Username!)) : null;
        return new Page<PublicProfile>(await db.ProfilesForAsync(viewer.UserId, shown, time.GetUtcNow(), ct), next);
    }

    private Task<User?> FindLiveAsync(Guid userId, CancellationToken ct) =>
        db.Users.FirstOrDefaultAsync(u => u.Id == userId && u.DeletedAt == null, ct);

    private sealed record UsernameCursor(string After);
}
