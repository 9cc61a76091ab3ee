namespace DistaHilar.LocalServices;

/// <summary>
/// Finds the repository root: the nearest folder holding DistaHilar.sln (or DistaHilar.slnx).
/// Test binaries run from bin/ folders deep inside the repo, a dev command from anywhere in it.
/// </summary>
public static class RepoRoot
{
    /// <summary>Environment variable that, when set, names the repository root outright (e.g. for tools run from outside it).</summary>
    public const string OverrideVariable = "DISTAHILAR_REPO_ROOT";

    private static readonly string[] Markers = ["DistaHilar.sln", "DistaHilar.slnx"];

    /// <summary>
    /// Walks up from <paramref name="start"/>, or else from <see cref="AppContext.BaseDirectory"/> and then the
    /// current directory, to the first folder holding the solution file.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">No folder on the way up holds the solution.</exception>
    public static string Find(string? start = null)
    {
        if (start is null && Environment.GetEnvironmentVariable(OverrideVariable) is { Length: > 0 } overridden)
        {
            return Path.GetFullPath(overridden);
        }

        string[] starts = start is not null ? [start] : [AppContext.BaseDirectory, Environment.CurrentDirectory];
        foreach (var origin in starts)
        {
            for (var dir = new DirectoryInfo(Path.GetFullPath(origin)); dir is not null; dir = dir.Parent)
            {
                if (Markers.Any(m => File.Exists(Path.Combine(dir.FullName, m))))
                {
                    return dir.FullName;
                }
            }
        }

        throw new DirectoryNotFoundException(
            $"No folder holding {string.Join(" or ", Markers)} above {string.Join(" or ", starts)}; set {OverrideVariable} to the repository root.");
    }
}
