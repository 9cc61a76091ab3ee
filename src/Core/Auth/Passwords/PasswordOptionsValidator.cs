using Microsoft.Extensions.Options;

namespace DistaHilar.Core.Auth.Passwords;

/// <summary>Refuses costs below OWASP's Argon2id minimum and absurdly large ones, naming the setting to fix.</summary>
public sealed class PasswordOptionsValidator : IValidateOptions<PasswordOptions>
{
    public ValidateOptionsResult Validate(string? name, PasswordOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = Failures(options).ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    internal static IEnumerable<string> Failures(PasswordOptions options)
    {
        if (Outside(options.MemoryKiB, PasswordOptions.MinimumMemoryKiB, PasswordOptions.MaximumMemoryKiB))
        {
            yield return $"{PasswordOptions.Section}__{nameof(PasswordOptions.MemoryKiB)} is {options.MemoryKiB}: it must be at least "
                + $"{PasswordOptions.MinimumMemoryKiB} (19 MiB, OWASP's minimum for Argon2id) and at most {PasswordOptions.MaximumMemoryKiB} (1 GiB).";
        }

        if (Outside(options.Iterations, PasswordOptions.MinimumIterations, PasswordOptions.MaximumIterations))
        {
            yield return $"{PasswordOptions.Section}__{nameof(PasswordOptions.Iterations)} is {options.Iterations}: it must be at least "
                + $"{PasswordOptions.MinimumIterations} (OWASP's minimum for Argon2id) and at most {PasswordOptions.MaximumIterations}.";
        }

        if (Outside(options.Parallelism, PasswordOptions.MinimumParallelism, PasswordOptions.MaximumParallelism))
        {
            yield return $"{PasswordOptions.Section}__{nameof(PasswordOptions.Parallelism)} is {options.Parallelism}: it must be between "
                + $"{PasswordOptions.MinimumParallelism} and {PasswordOptions.MaximumParallelism}.";
        }

        if (options.MaxConcurrent < 0 || options.MaxQueued < 0)
        {
            yield return $"{PasswordOptions.Section}__{nameof(PasswordOptions.MaxConcurrent)} and __{nameof(PasswordOptions.MaxQueued)} "
                + $"are {options.MaxConcurrent} and {options.MaxQueued}: neither may be negative (MaxConcurrent 0 = one per core).";
        }
    }

    private static bool Outside(int value, int minimum, int maximum) => value < minimum || value > maximum;
}
