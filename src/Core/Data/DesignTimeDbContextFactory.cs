using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace DistaHilar.Core.Data;

/// <summary>
/// Lets <c>dotnet ef</c> build the model without starting the function app. The connection string is only
/// needed for commands that touch a database (<c>database update</c>): pass it with <c>--connection</c>.
/// </summary>
public sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<DistaHilarDbContext>
{
    public DistaHilarDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<DistaHilarDbContext>()
            .UseNpgsql(Environment.GetEnvironmentVariable("Database__MigrationConnectionString") ?? "Host=127.0.0.1;Database=distahilar")
            .UseSnakeCaseNamingConvention()
            .Options;
        return new DistaHilarDbContext(options);
    }
}
