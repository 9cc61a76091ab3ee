using System.Diagnostics;

namespace DistaHilar.LocalServices;

/// <summary>
/// PostgreSQL and PgBouncer refuse to run as root, and CI runs as root: in that case they run as the
/// <c>postgres</c> OS user (created by the Debian packages), and the files they use are handed to it.
/// </summary>
internal static class ServiceAccount
{
    private const string UserName = "postgres";

    public static bool IsRoot { get; } = OperatingSystem.IsLinux() && NativeMethods.GetEffectiveUserId() == 0;

    /// <summary>
    /// Sets up <paramref name="psi"/> to run <paramref name="executable"/>, through <c>setpriv</c> when we are root.
    /// setpriv exec()s in place (unlike runuser/su, which fork), so the PID we get back is the service's own.
    /// </summary>
    public static void UseExecutable(ProcessStartInfo psi, string executable, bool dropRoot)
    {
        if (!dropRoot || !IsRoot)
        {
            psi.FileName = executable;
            return;
        }

        _ = Lookup(); // fail early with a clear message if the user is missing
        psi.FileName = "setpriv";
        foreach (var arg in new[] { $"--reuid={UserName}", $"--regid={UserName}", "--init-groups", "--reset-env", "--", executable })
        {
            psi.ArgumentList.Add(arg);
        }
    }

    /// <summary>Creates a private temp folder that the service user owns (a root-owned mktemp folder is 0700 and unreachable to it).</summary>
    public static string CreateTempDirectory(string prefix, bool forService)
    {
        var dir = Directory.CreateTempSubdirectory(prefix).FullName;
        if (forService && IsRoot)
        {
            GiveAway(dir);
            if (!ReachableByOthers(Path.GetDirectoryName(dir)!))
            {
                Directory.Delete(dir);
                throw new LocalServiceException($"The temp folder {Path.GetTempPath()} is not reachable by the {UserName} user; set TMPDIR to /tmp.", "");
            }
        }

        return dir;
    }

    /// <summary>Hands a file or folder to the service user when we are root; a no-op otherwise.</summary>
    public static void GiveAway(string path)
    {
        if (!IsRoot)
        {
            return;
        }

        var (uid, gid) = Lookup();
        if (NativeMethods.Chown(path, uid, gid) != 0)
        {
            throw new LocalServiceException($"chown {UserName} {path} failed (errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}).", "");
        }
    }

    private static bool ReachableByOthers(string dir)
    {
        for (var d = new DirectoryInfo(dir); d is not null; d = d.Parent)
        {
            if ((d.UnixFileMode & UnixFileMode.OtherExecute) == 0)
            {
                return false;
            }
        }

        return true;
    }

    // /etc/passwd rather than getpwnam: the Debian package always creates a local system user.
    private static (uint Uid, uint Gid) Lookup()
    {
        foreach (var line in File.ReadLines("/etc/passwd"))
        {
            var f = line.Split(':');
            if (f.Length > 3 && f[0] == UserName)
            {
                return (uint.Parse(f[2], System.Globalization.CultureInfo.InvariantCulture), uint.Parse(f[3], System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        throw new LocalServiceException($"Running as root, but there is no '{UserName}' OS user to run PostgreSQL/PgBouncer as; run tools/install-prereqs.sh.", "");
    }
}
