namespace DistaHilar.Core.Auth.Passwords;

/// <summary>App settings <c>Passwords__*</c>: the Argon2id cost of new password hashes.</summary>
/// <remarks>
/// Raising a cost is safe at any time: old hashes keep verifying with the costs stored in them, and each one is
/// replaced at its owner's next successful login (<see cref="PasswordVerification.SucceededRehashNeeded"/>).
/// </remarks>
public sealed class PasswordOptions
{
    public const string Section = "Passwords";

    // OWASP's minimum for Argon2id (m=19 MiB, t=2, p=1); below it a leaked hash is too cheap to attack.
    public const int MinimumMemoryKiB = 19456;
    public const int MinimumIterations = 2;
    public const int MinimumParallelism = 1;

    // Far beyond any sane setting: a value above these is a typo (or, in a stored hash, tampering), not a choice.
    public const int MaximumMemoryKiB = 1024 * 1024;
    public const int MaximumIterations = 16;
    public const int MaximumParallelism = 16;

    /// <summary>Argon2 m, in KiB.</summary>
    public int MemoryKiB { get; set; } = MinimumMemoryKiB;

    /// <summary>Argon2 t: passes over the memory.</summary>
    public int Iterations { get; set; } = MinimumIterations;

    /// <summary>Argon2 p: lanes, which may be filled on that many cores at once.</summary>
    public int Parallelism { get; set; } = MinimumParallelism;

    /// <summary>
    /// Hashes and verifications one instance runs at once (each is ~30 ms of one core at the minimum costs); 0 means one
    /// per core. More wait in a queue (<see cref="MaxQueued"/>), so parallel sign-ins cannot take every core.
    /// </summary>
    public int MaxConcurrent { get; set; }

    /// <summary>Password checks that may wait for <see cref="MaxConcurrent"/>; beyond that they are refused with a 429 at once.</summary>
    public int MaxQueued { get; set; } = 64;

    internal int EffectiveConcurrency => MaxConcurrent > 0 ? MaxConcurrent : Environment.ProcessorCount;

    internal Argon2Parameters ToParameters() => new(MemoryKiB, Iterations, Parallelism);
}
