using Microsoft.EntityFrameworkCore;

namespace DistaHilar.Core.Data;

/// <summary>
/// Applies EF migrations over a direct connection: DDL and EF's migration lock need a real session,
/// which PgBouncer in transaction mode does not give.
/// </summary>
public static class DatabaseMigrator
{
    public static async Task MigrateAsync(string directConnectionString, CancellationToken ct = default)
    {
        var options = new DbContextOptionsBuilder<DistaHilarDbContext>().UseNpgsql(directConnectionString).UseSnakeCaseNamingConvention().Options;
        await using var db = new DistaHilarDbContext(options);
        await db.Database.MigrateAsync(ct);
    }
}
