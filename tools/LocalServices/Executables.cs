namespace DistaHilar.LocalServices;

/// <summary>Finds the service binaries; the messages point at tools/install-prereqs.sh.</summary>
internal static class Executables
{
    private const string Hint = "run tools/install-prereqs.sh";

    /// <summary>The bin folder of the newest PostgreSQL under /usr/lib/postgresql (Debian's layout; no version is hard-coded).</summary>
    public static string PostgresBinDirectory()
    {
        const string root = "/usr/lib/postgresql";
        var newest = Directory.Exists(root)
            ? Directory.GetDirectories(root)
                .Select(d => (Dir: Path.Combine(d, "bin"), Version: double.TryParse(Path.GetFileName(d), System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : -1))
                .Where(c => c.Version >= 0 && File.Exists(Path.Combine(c.Dir, "initdb")) && File.Exists(Path.Combine(c.Dir, "postgres")))
                .OrderByDescending(c => c.Version)
                .Select(c => c.Dir)
                .FirstOrDefault()
            : null;
        return newest ?? throw new LocalServiceException($"No PostgreSQL server binaries in {root}/*/bin; {Hint}.", "");
    }

    /// <summary>Looks <paramref name="name"/> up on PATH, then in the usual folders.</summary>
    public static string Find(string name)
    {
        var dirs = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/local/bin", "/usr/bin", "/usr/sbin"]);
        foreach (var dir in dirs)
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new LocalServiceException($"'{name}' was not found on PATH nor in /usr/local/bin, /usr/bin, /usr/sbin; {Hint}.", "");
    }
}
