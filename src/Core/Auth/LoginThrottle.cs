using System.Security.Cryptography;
using System.Text;
using DistaHilar.Core.Common;
using DistaHilar.Core.Data;
using DistaHilar.Core.RateLimiting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace DistaHilar.Core.Auth;

/// <summary>One password check under way: the counters it reads and, if it fails, counts.</summary>
public sealed record LoginAttempt(string AccountKey, string AddressKey, bool HadFailures);

/// <summary>
/// Limits on password checks: logins, and the checks a signed-in user passes (<c>PUT /api/users/me/password</c>,
/// <c>DELETE /api/users/me</c>), which count as that account's login failures, so a stolen access token cannot guess
/// the password either. Counted in PostgreSQL (shared by all instances), keyed by the account's id.
/// </summary>
/// <remarks>
/// A lockout keyed on the account alone lets anyone lock its owner out by failing on purpose. So failures are keyed
/// on <b>account + client address</b>: after <see cref="RateLimitOptions.LoginFailuresPerAddress"/> failures each
/// further one doubles the wait from that address (<see cref="RateLimitOptions.LoginBackoff"/>, 2×, 4×, … up to the
/// window), a success clears it, and a window without failures forgets it. Someone guessing from one address gets a
/// handful of tries per half hour; the owner, from their own address, is not affected. Against guessing from many
/// addresses the account also has a higher ceiling (<see cref="RateLimitOptions.LoginFailuresPerAccount"/> per
/// window); once it is reached only addresses the account has a live session from may still try (the owner's devices
/// and networks), each still under its own backoff, so even a botnet cannot lock the owner out of where they sign in.
/// </remarks>
public sealed class LoginThrottle(NpgsqlDataSource database, DistaHilarDbContext db, IOptions<RateLimitOptions> options, TimeProvider time)
{
    private const string Read = "SELECT window_start, count FROM rate_limit_counters WHERE key = $1";

    // window_start holds the last failure; the count restarts after a window without one.
    private const string CountFailure = """
        INSERT INTO rate_limit_counters (key, window_start, count) VALUES ($1, $2, 1)
        ON CONFLICT (key) DO UPDATE SET
          count = CASE WHEN rate_limit_counters.window_start <= $2 - $3 THEN 1 ELSE rate_limit_counters.count + 1 END,
          window_start = $2
        """;

    private RateLimitOptions Limits => options.Value;

    /// <summary>The account's counter key: its id, or for a login that matches no account, a digest of the login.</summary>
    public static string AccountKey(Guid? userId, string login) => userId is { } id
        ? $"login:account:{id:N}"
        : "login:unknown:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(login)))[..32];

    /// <summary>
    /// One round trip (plus one when the account's ceiling is reached): a 429 when the account, this address's
    /// backoff or (for logins, <paramref name="countAddress"/>) the address's login attempts say wait.
    /// </summary>
    public async Task<Result<LoginAttempt>> CheckAsync(string accountKey, Guid? userId, ClientInfo client, bool countAddress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        var ip = client.Ip ?? "unknown";
        var attempt = new LoginAttempt(accountKey, $"{accountKey}:ip:{ip}", false);
        var now = time.GetUtcNow();
        var window = Limits.Window;
        await using var batch = database.CreateBatch();
        batch.BatchCommands.Add(Command(Read, attempt.AccountKey));
        batch.BatchCommands.Add(Command(Read, attempt.AddressKey));
        if (countAddress)
        {
            batch.BatchCommands.Add(Command(RateLimiter.Upsert, $"login:ip:{ip}", now, window, 1));
        }

        var rows = new List<(DateTimeOffset Start, int Count)?>();
        await using (var reader = await batch.ExecuteReaderAsync(ct))
        {
            do
            {
                rows.Add(await reader.ReadAsync(ct) ? (reader.GetFieldValue<DateTimeOffset>(0), reader.GetInt32(1)) : null);
            }
            while (await reader.NextResultAsync(ct));
        }

        TimeSpan? wait = null;
        if (rows[0] is { } account && account.Start > now - window && account.Count >= Limits.LoginFailuresPerAccount
            && !(userId is { } id && await db.Sessions.AnyAsync(s => s.UserId == id && s.RevokedAt == null && s.Ip == ip, ct)))
        {
            wait = Longer(wait, account.Start + window - now);
        }

        // Failures from this address, unless a window has passed since the last one.
        var address = rows[1] is { } a && a.Start > now - window ? a : default((DateTimeOffset Start, int Count)?);
        if (address is { } failures && failures.Count >= Limits.LoginFailuresPerAddress)
        {
            var lockedUntil = failures.Start + Backoff(Limits.LoginBackoff, failures.Count - Limits.LoginFailuresPerAddress, window);
            if (lockedUntil > now)
            {
                wait = Longer(wait, lockedUntil - now);
            }
        }

        if (countAddress && rows[2] is { } perIp && perIp.Count > Limits.LoginsPerIp)
        {
            wait = Longer(wait, perIp.Start + window - now);
        }

        return wait is { } w ? Problem.RateLimited(w < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : w) : attempt with { HadFailures = address is not null };
    }

    /// <summary>A wrong password: counts against the account's ceiling and this address's backoff (one round trip).</summary>
    public async Task FailedAsync(LoginAttempt attempt, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        var now = time.GetUtcNow();
        await using var batch = database.CreateBatch();
        batch.BatchCommands.Add(Command(RateLimiter.Upsert, attempt.AccountKey, now, Limits.Window, 1));
        batch.BatchCommands.Add(Command(CountFailure, attempt.AddressKey, now, Limits.Window));
        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The right password: this address starts afresh (a round trip only if it had failures).</summary>
    public async Task SucceededAsync(LoginAttempt attempt, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        if (attempt.HadFailures)
        {
            await using var command = database.CreateCommand("DELETE FROM rate_limit_counters WHERE key = $1");
            command.Parameters.Add(new NpgsqlParameter { Value = attempt.AddressKey });
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>
    /// The wait after a failure once the free ones are used up: <paramref name="first"/> at the last free one
    /// (<paramref name="beyond"/> 0), doubled by each failure after it, at most <paramref name="max"/>.
    /// </summary>
    public static TimeSpan Backoff(TimeSpan first, int beyond, TimeSpan max)
    {
        var seconds = first.TotalSeconds * Math.Pow(2, Math.Clamp(beyond, 0, 40));
        return seconds >= max.TotalSeconds ? max : TimeSpan.FromSeconds(seconds);
    }

    private static TimeSpan Longer(TimeSpan? a, TimeSpan b) => a is { } x && x > b ? x : b;

    private static NpgsqlBatchCommand Command(string sql, string key, DateTimeOffset? now = null, TimeSpan? window = null, int? count = null)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = key });
        if (now is { } n)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = n, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        }

        if (window is { } w)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = w, NpgsqlDbType = NpgsqlDbType.Interval });
        }

        if (count is { } c)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = c });
        }

        return command;
    }
}
