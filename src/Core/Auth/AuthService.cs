using DistaHilar.Core.Auth.Passwords;
using DistaHilar.Core.Common;
using DistaHilar.Core.Data;
using DistaHilar.Core.Pipeline;
using DistaHilar.Core.RateLimiting;
using DistaHilar.Core.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DistaHilar.Core.Auth;

// Email comparisons below are LINQ translated to lower(email) = @x, which the unique index on lower(email) serves;
// string.Equals(..., OrdinalIgnoreCase) would not translate to that.
#pragma warning disable CA1862

/// <summary>Registration, login, refresh-token rotation, logout and the session list.</summary>
public sealed class AuthService(
    DistaHilarDbContext db,
    PasswordGate passwords,
    AccessTokens accessTokens,
    RateLimiter rateLimiter,
    SessionEnding sessions,
    UserUniqueness uniqueness,
    WritePipeline pipeline,
    LoginThrottle throttle,
    IOptions<AuthOptions> authOptions,
    IOptions<RateLimitOptions> limitOptions,
    TimeProvider time,
    ILogger<AuthService> log)
{
    private static readonly Problem BadCredentials = Problem.Unauthorized("The login or password is incorrect.");
    private static readonly Problem BadRefreshToken = Problem.Unauthorized("The refresh token is not valid.");

    private AuthOptions Options => authOptions.Value;

    private RateLimitOptions Limits => limitOptions.Value;

    public async Task<Result<AuthResult>> RegisterAsync(RegisterRequest request, ClientInfo client, CancellationToken ct)
    {
        if (request.Validate() is { } invalid)
        {
            return invalid;
        }

        var email = request.Email!.Trim();
        var limited = await rateLimiter.CheckAsync(
            [new($"register:ip:{client.Ip}", Limits.RegistrationsPerIp), new($"register:email:{email.ToLowerInvariant()}", Limits.RegistrationsPerEmail)],
            Limits.Window,
            ct);
        if (limited is { } wait)
        {
            return Problem.RateLimited(wait);
        }

        var username = UserRules.NormalizeUsername(request.Username)!;
        var phone = UserRules.Clean(request.Phone);
        if (await uniqueness.ProblemAsync(username, email, phone, exceptUserId: null, ct) is { } taken)
        {
            return taken;
        }

        var hash = await passwords.HashAsync(request.Password!, ct);
        if (!hash.IsSuccess)
        {
            return hash.Problem;
        }

        var now = time.GetUtcNow();
        var user = new User
        {
            Id = Guid.CreateVersion7(now),
            Username = username,
            Email = email,
            Phone = phone,
            PasswordHash = hash.Value,
            Name = UserRules.Clean(request.Name)!,
            Surname = UserRules.Clean(request.Surname),
            Bio = UserRules.Clean(request.Bio),
            CreatedAt = now,
            LastSeenAt = now,
        };
        var registered = await pipeline.SaveAsync<(Session, string)>(
            () =>
            {
                db.Users.Add(user);
                return Task.FromResult<Result<(Session, string)>>(NewSession(user.Id, client, now));
            },
            ct,
            UserUniqueness.Taken<(Session, string)>());
        if (!registered.IsSuccess)
        {
            return registered.Problem;
        }

        var (session, refreshToken) = registered.Value;

        log.LogInformation("Registered user {UserId}", user.Id);
        return Issue(user, session, refreshToken);
    }

    public async Task<Result<AuthResult>> LoginAsync(LoginRequest request, ClientInfo client, CancellationToken ct)
    {
        if (request.Validate() is { } invalid)
        {
            return invalid;
        }

        var login = request.Login!.Trim().ToLowerInvariant();
        var user = await db.Users.FirstOrDefaultAsync(
            u => u.DeletedAt == null && (u.Username == login || (u.Email != null && u.Email.ToLower() == login)),
            ct);

        // Every attempt counts against the address; failures against the account (by id, whichever login named it)
        // and against account + address with backoff (LoginThrottle says why).
        var attempt = await throttle.CheckAsync(LoginThrottle.AccountKey(user?.Id, login), user?.Id, client, countAddress: true, ct);
        if (!attempt.IsSuccess)
        {
            return attempt.Problem;
        }

        // An unknown login is verified against a dummy hash: same answer, same time, so accounts cannot be probed.
        var checkedPassword = await passwords.VerifyAsync(request.Password!, user?.PasswordHash, ct);
        if (!checkedPassword.IsSuccess)
        {
            return checkedPassword.Problem;
        }

        var verdict = checkedPassword.Value;
        if (user is null || verdict == PasswordVerification.Failed)
        {
            await throttle.FailedAsync(attempt.Value, ct);
            return BadCredentials;
        }

        await throttle.SucceededAsync(attempt.Value, ct);
        var now = time.GetUtcNow();
        if (verdict == PasswordVerification.SucceededRehashNeeded && await passwords.HashAsync(request.Password!, ct) is { IsSuccess: true } rehashed)
        {
            user.PasswordHash = rehashed.Value;
        }

        user.LastSeenAt = now;
        var (session, refreshToken) = NewSession(user.Id, client, now);
        await db.SaveChangesAsync(ct);
        return Issue(user, session, refreshToken);
    }

    /// <summary>
    /// Rotates a refresh token: the presented one is marked used in one atomic statement, so of two racing
    /// refreshes with the same token exactly one wins and the other counts as reuse.
    /// </summary>
    public async Task<Result<AuthResult>> RefreshAsync(string? presented, ClientInfo client, CancellationToken ct)
    {
        if (!RefreshTokenValue.IsWellFormed(presented))
        {
            return BadRefreshToken;
        }

        var hash = RefreshTokenValue.Hash(presented!);
        var now = time.GetUtcNow();
        var claimed = await db.Database
            .SqlQuery<Guid>($"UPDATE refresh_tokens SET used_at = {now} WHERE hash = {hash} AND used_at IS NULL RETURNING session_id AS \"Value\"")
            .ToListAsync(ct);
        if (claimed.Count == 0)
        {
            var reused = await db.RefreshTokens.Where(t => t.Hash == hash)
                .Join(db.Sessions, t => t.SessionId, s => s.Id, (t, s) => new { s.Id, s.UserId })
                .FirstOrDefaultAsync(ct);
            if (reused is { Id: var sessionId })
            {
                // A used token came back: someone holds a copy. End the whole family; the owner signs in again.
                await sessions.EndNowAsync(new SessionSelection(reused.UserId, Only: sessionId), "refresh_token_reuse", ct);
                log.LogWarning("Refresh token reuse on session {SessionId}; session revoked", sessionId);
            }

            return BadRefreshToken;
        }

        var session = await db.Sessions.FirstOrDefaultAsync(s => s.Id == claimed[0], ct);
        if (session is null || session.RevokedAt is not null || session.ExpiresAt <= now || session.LastUsedAt + Options.SessionIdleTimeout <= now)
        {
            return BadRefreshToken;
        }

        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == session.UserId && u.DeletedAt == null, ct);
        if (user is null)
        {
            return BadRefreshToken;
        }

        var refreshToken = RefreshTokenValue.New();
        db.RefreshTokens.Add(new RefreshToken { Hash = RefreshTokenValue.Hash(refreshToken), SessionId = session.Id, CreatedAt = now });
        session.LastUsedAt = now;
        session.Ip = Truncate(client.Ip, 64);
        user.LastSeenAt = now;
        await db.SaveChangesAsync(ct);
        return Issue(user, session, refreshToken);
    }

    public async Task<Result<Done>> LogoutAsync(Caller caller, CancellationToken ct)
    {
        await sessions.EndNowAsync(new SessionSelection(caller.UserId, Only: caller.SessionId), "logout", ct);
        return Done.Value;
    }

    public async Task<IReadOnlyList<SessionView>> ListSessionsAsync(Caller caller, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var idleCutoff = now - Options.SessionIdleTimeout;
        return await db.Sessions
            .Where(s => s.UserId == caller.UserId && s.RevokedAt == null && s.ExpiresAt > now && s.LastUsedAt > idleCutoff)
            .OrderByDescending(s => s.LastUsedAt)
            .Select(s => new SessionView(s.Id, s.Device, s.Ip, s.CreatedAt, s.LastUsedAt, s.Id == caller.SessionId))
            .ToListAsync(ct);
    }

    /// <summary>Revokes one of the caller's sessions; another user's session id is simply not found.</summary>
    public async Task<Result<Done>> RevokeSessionAsync(Caller caller, Guid sessionId, CancellationToken ct)
    {
        var revoked = await sessions.EndNowAsync(new SessionSelection(caller.UserId, Only: sessionId), "revoked", ct);
        return revoked == 0 ? Problem.NotFound("The session") : Done.Value;
    }

    public async Task<Result<Done>> RevokeOtherSessionsAsync(Caller caller, CancellationToken ct)
    {
        await sessions.EndNowAsync(new SessionSelection(caller.UserId, Except: caller.SessionId), "revoked", ct);
        return Done.Value;
    }

    /// <summary>Checks the current password, stores the new one and signs out every other device.</summary>
    public async Task<Result<Done>> ChangePasswordAsync(Caller caller, ChangePasswordRequest request, ClientInfo client, CancellationToken ct)
    {
        if (request.Validate() is { } invalid)
        {
            return invalid;
        }

        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == caller.UserId && u.DeletedAt == null, ct);
        if (user is null)
        {
            return Problem.Unauthorized("The account no longer exists.");
        }

        var current = await CheckPasswordAsync(user, request.CurrentPassword!, client, ct);
        if (!current.IsSuccess)
        {
            return current.Problem;
        }

        if (!current.Value)
        {
            return Problem.Validation("currentPassword", "The current password is incorrect.");
        }

        var hash = await passwords.HashAsync(request.NewPassword!, ct);
        if (!hash.IsSuccess)
        {
            return hash.Problem;
        }

        return await pipeline.RunAsync<Done>(
            async () =>
            {
                user.PasswordHash = hash.Value;
                await sessions.EndAsync(new SessionSelection(caller.UserId, Except: caller.SessionId), "password_changed", ct);
                return Done.Value;
            },
            ct);
    }

    /// <summary>
    /// A signed-in user's password check (changing it, deleting the account): limited and counted exactly like their
    /// logins from this address, so a stolen access token is no way around the login limits. True when it matched.
    /// </summary>
    internal async Task<Result<bool>> CheckPasswordAsync(User user, string password, ClientInfo client, CancellationToken ct)
    {
        var attempt = await throttle.CheckAsync(LoginThrottle.AccountKey(user.Id, ""), user.Id, client, countAddress: false, ct);
        if (!attempt.IsSuccess)
        {
            return attempt.Problem;
        }

        var verdict = await passwords.VerifyAsync(password, user.PasswordHash, ct);
        if (!verdict.IsSuccess)
        {
            return verdict.Problem;
        }

        if (verdict.Value == PasswordVerification.Failed)
        {
            await throttle.FailedAsync(attempt.Value, ct);
            return false;
        }

        await throttle.SucceededAsync(attempt.Value, ct);
        return true;
    }

    private (Session Session, string RefreshToken) NewSession(Guid userId, ClientInfo client, DateTimeOffset now)
    {
        var session = new Session
        {
            Id = Guid.CreateVersion7(now),
            UserId = userId,
            Device = Truncate(client.UserAgent, 256) ?? "unknown",
            Ip = Truncate(client.Ip, 64),
            CreatedAt = now,
            LastUsedAt = now,
            ExpiresAt = now + Options.SessionLifetime,
        };
        var refreshToken = RefreshTokenValue.New();
        db.Sessions.Add(session);
        db.RefreshTokens.Add(new RefreshToken { Hash = RefreshTokenValue.Hash(refreshToken), SessionId = session.Id, CreatedAt = now });
        return (session, refreshToken);
    }

    private AuthResult Issue(User user, Session session, string refreshToken)
    {
        var access = accessTokens.Issue(user.Id, session.Id);
        var refreshExpires = Min(session.ExpiresAt, session.LastUsedAt + Options.SessionIdleTimeout);
        return new AuthResult(MyProfile.Of(user), access.Token, access.ExpiresAt, refreshToken, refreshExpires, session.Id);
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static string? Truncate(string? text, int max) => text is null ? null : text.Length <= max ? text : text[..max];
}
