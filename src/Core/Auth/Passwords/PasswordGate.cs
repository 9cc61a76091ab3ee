using System.Threading.RateLimiting;
using DistaHilar.Core.Common;
using Microsoft.Extensions.Options;

namespace DistaHilar.Core.Auth.Passwords;

/// <summary>
/// The way the app hashes and verifies passwords: at most <see cref="PasswordOptions.MaxConcurrent"/> Argon2 runs at
/// once per instance, the next <see cref="PasswordOptions.MaxQueued"/> waiting their turn (oldest first), anything
/// beyond refused with a 429 at once. So a flood of parallel sign-ins or password checks (a script, or a stolen token
/// trying passwords) queues behind the cores instead of starving every other request of CPU.
/// </summary>
public sealed class PasswordGate(PasswordHasher hasher, IOptions<PasswordOptions> options) : IDisposable
{
    private static readonly Problem Busy = Problem.RateLimited(TimeSpan.FromSeconds(1));

    private readonly ConcurrencyLimiter limiter = new(new ConcurrencyLimiterOptions
    {
        PermitLimit = options.Value.EffectiveConcurrency,
        QueueLimit = options.Value.MaxQueued,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });

    public async Task<Result<PasswordVerification>> VerifyAsync(string password, string? encodedHash, CancellationToken ct)
    {
        using var lease = await limiter.AcquireAsync(1, ct);
        return lease.IsAcquired ? hasher.Verify(password, encodedHash) : Busy;
    }

    public async Task<Result<string>> HashAsync(string password, CancellationToken ct)
    {
        using var lease = await limiter.AcquireAsync(1, ct);
        return lease.IsAcquired ? hasher.Hash(password) : Busy;
    }

    public void Dispose() => limiter.Dispose();
}
