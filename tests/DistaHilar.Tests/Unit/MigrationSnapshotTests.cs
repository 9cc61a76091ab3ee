using DistaHilar.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace DistaHilar.Tests.Unit;

/// <summary>
/// The migrations describe the model: an entity or configuration change without a migration fails here, not on a
/// deployed database (EF compares the model with the last migration's snapshot; no connection is opened).
/// </summary>
public sealed class MigrationSnapshotTests
{
    [Fact]
    public void The_model_has_no_changes_the_migrations_lack()
    {
        var options = new DbContextOptionsBuilder<DistaHilarDbContext>().UseNpgsql("Host=127.0.0.1;Database=unused").UseSnakeCaseNamingConvention().Options;
        using var db = new DistaHilarDbContext(options);
        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.False(db.Database.HasPendingModelChanges());
    }
}
