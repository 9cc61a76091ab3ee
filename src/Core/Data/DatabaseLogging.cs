using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging;

namespace DistaHilar.Core.Data;

/// <summary>
/// EF Core logs every failed command at Error, and a failed SaveChanges a second time, before the app has seen the
/// exception. Most are outcomes the app expects and answers (a unique key a racing request took first, a retried
/// send, a serialization failure that becomes a 409), so at Error they drowned the real failures. They are Debug
/// here; what the app does not handle is still logged once at Error where it is caught: a 500 by the HTTP
/// exception middleware, a failed queue or timer invocation by the Functions worker.
/// </summary>
public static class DatabaseLogging
{
    public static DbContextOptionsBuilder LogDatabaseFailuresAtDebug(this DbContextOptionsBuilder options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.ConfigureWarnings(w => w.Log(
            (RelationalEventId.CommandError, LogLevel.Debug),
            (CoreEventId.SaveChangesFailed, LogLevel.Debug),
            (CoreEventId.QueryIterationFailed, LogLevel.Debug),
            (RelationalEventId.TransactionError, LogLevel.Debug),
            (RelationalEventId.ConnectionError, LogLevel.Debug)));
    }
}
