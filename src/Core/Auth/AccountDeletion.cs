using DistaHilar.Core.Common;
using DistaHilar.Core.Data;
using DistaHilar.Core.Media;
using DistaHilar.Core.Pipeline;
using DistaHilar.Core.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace DistaHilar.Core.Auth;

/// <summary><c>DELETE /api/users/me</c>: the account ends, with the password as proof.</summary>
public sealed class AccountDeletion(
    DistaHilarDbContext db,
    AvatarImages avatars,
    AuthService auth,
    SessionEnding sessions,
    IEnumerable<IAccountDeletionStep> steps,
    WritePipeline pipeline,
    TimeProvider time,
    ILogger<AccountDeletion> log)
{
    /// <summary>
    /// Removes the personal data and keeps the row, so whatever the user wrote stays attributed to "Deleted account";
    /// every session ends (its connections close), the username, email and phone become free again, and each
    /// feature's <see cref="IAccountDeletionStep"/> runs (groups and channels are left and owned ones handed over,
    /// calls end). One transaction: all or nothing; the events go out after the commit.
    /// </summary>
    public async Task<Result<Done>> DeleteAsync(Caller caller, DeleteAccountRequest request, ClientInfo client, CancellationToken ct)
    {
        if (request.Validate() is { } invalid)
        {
            return invalid;
        }

        if (await db.Users.FirstOrDefaultAsync(u => u.Id == caller.UserId && u.DeletedAt == null, ct) is not { } user)
        {
            return Problem.Unauthorized("The account no longer exists.");
        }

        var password = await auth.CheckPasswordAsync(user, request.Password!, client, ct);
        if (!password.IsSuccess)
        {
            return password.Problem;
        }

        if (!password.Value)
        {
            return Problem.Validation("password", "The password is incorrect.");
        }

        var now = time.GetUtcNow();
        var deleted = await pipeline.RunAsync<Done>(
            async () =>
            {
                user.Username = null;
                user.Email = null;
                user.Phone = null;
                user.PasswordHash = null;
                user.Name = User.DeletedName;
                user.Surname = null;
                user.Bio = null;
                user.AvatarUrl = null;
                var avatar = user.AvatarMediaId;
                user.AvatarMediaId = null;
                user.LastSeenAt = null;
                user.DeletedAt = now;
                await db.SaveChangesAsync(ct);
                await avatars.ReplacedAsync(avatar, null, now, ct);
                await sessions.EndAsync(new SessionSelection(user.Id), "account_deleted", ct);
                await db.Contacts.Where(c => c.OwnerId == user.Id || c.ContactId == user.Id).ExecuteDeleteAsync(ct);
                foreach (var step in steps)
                {
                    await step.AccountDeletedAsync(user.Id, ct);
                }

                return Done.Value;
            },
            ct);
        if (deleted.IsSuccess)
        {
            log.LogInformation("Deleted account {UserId}", user.Id);
        }

        return deleted;
    }
}
