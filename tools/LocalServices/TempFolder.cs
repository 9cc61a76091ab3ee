using Microsoft.Extensions.Logging;

namespace DistaHilar.LocalServices;

/// <summary>Deletes a service's temp folder after its process is gone; a failure is logged, never thrown from disposal.</summary>
internal static class TempFolder
{
    public static void Delete(string path, ILogger log)
    {
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            try
            {
                if (Directory.Exists(path))
                {
                    Directory.Delete(path, recursive: true);
                }

                return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                if (attempt == 3)
                {
                    log.LogWarning(e, "Could not delete {Path}", path);
                }
            }
        }
    }
}
