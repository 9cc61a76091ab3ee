namespace DistaHilar.LocalServices;

/// <summary>
/// A local service failed to start, become ready or stop. The message ends with the last lines the
/// service printed, because "timed out" alone rarely says why.
/// </summary>
public sealed class LocalServiceException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LocalServiceException() : this("A local service failed.", "") { }

    /// <summary>Creates the exception.</summary>
    public LocalServiceException(string message) : this(message, "") { }

    /// <summary>Creates the exception.</summary>
    public LocalServiceException(string message, Exception innerException) : base(message, innerException) => LogTail = "";

    /// <summary>Creates the exception with the tail of the service's output appended to the message.</summary>
    public LocalServiceException(string message, string logTail, Exception? innerException = null)
        : base(logTail.Length == 0 ? message : $"{message}{Environment.NewLine}--- last output ---{Environment.NewLine}{logTail}", innerException)
        => LogTail = logTail;

    /// <summary>The last lines the service printed (empty if none).</summary>
    public string LogTail { get; }
}
