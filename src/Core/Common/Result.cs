using System.Diagnostics.CodeAnalysis;

namespace DistaHilar.Core.Common;

/// <summary>The outcome of a Core operation: a value, or an <see cref="Common.Problem"/>. Never both.</summary>
public readonly record struct Result<T>
{
    private Result(T? value, Problem? error)
    {
        Value = value;
        Problem = error;
    }

    public T? Value { get; }

    public Problem? Problem { get; }

    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Problem))]
    public bool IsSuccess => Problem is null;

    public static implicit operator Result<T>(T value) => new(value, null);

    public static implicit operator Result<T>(Problem problem) => new(default, problem);
}

/// <summary>For operations that return nothing on success.</summary>
public readonly record struct Done
{
    public static readonly Done Value;
}
