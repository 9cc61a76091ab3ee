using Microsoft.EntityFrameworkCore;

namespace DistaHilar.Core.Data;

/// <summary>The app's database. Features add their entities here through their own configuration classes.</summary>
public sealed class DistaHilarDbContext(DbContextOptions<DistaHilarDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        // Trigram indexes back user and chat search (substring matches).
        modelBuilder.HasPostgresExtension("pg_trgm");
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(DistaHilarDbContext).Assembly);
    }
}
