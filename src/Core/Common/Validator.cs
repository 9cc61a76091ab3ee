namespace DistaHilar.Core.Common;

/// <summary>Collects per-field messages while a contract validates itself.</summary>
public sealed class Validator
{
    private readonly Dictionary<string, List<string>> errors = new(StringComparer.Ordinal);

    public bool IsValid => errors.Count == 0;

    public Validator Add(string field, string message)
    {
        if (!errors.TryGetValue(field, out var list))
        {
            errors[field] = list = [];
        }

        list.Add(message);
        return this;
    }

    /// <summary>Adds the message when the condition does not hold.</summary>
    public Validator Check(bool condition, string field, string message) => condition ? this : Add(field, message);

    public Problem? ToProblem() => IsValid ? null : Problem.Validation(errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
}
