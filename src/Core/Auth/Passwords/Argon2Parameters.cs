namespace DistaHilar.Core.Auth.Passwords;

/// <summary>The Argon2id costs, as configured and as stored in each hash.</summary>
public readonly record struct Argon2Parameters(int MemoryKiB, int Iterations, int Parallelism);
