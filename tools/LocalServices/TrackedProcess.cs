namespace DistaHilar.LocalServices;

/// <summary>
/// How to recognise and stop a process this library started, as written to a pid file by <see cref="ProcessRegistry"/>.
/// </summary>
/// <param name="Name">Service name for messages (postgres, pgbouncer, azurite).</param>
/// <param name="Pid">Process id.</param>
/// <param name="Executable">File name the process runs (postgres, pgbouncer, node): guards against a reused PID.</param>
/// <param name="Marker">Text unique to this instance (its temp folder) that its command line contains.</param>
/// <param name="StopSignal">The signal for the service's fast shutdown (SIGINT for postgres, SIGTERM otherwise).</param>
/// <param name="TempDirectory">The instance's temp folder (data, config, logs), deleted once the process is gone; empty for none.</param>
public sealed record TrackedProcess(string Name, int Pid, string Executable, string Marker, int StopSignal, string TempDirectory = "");
