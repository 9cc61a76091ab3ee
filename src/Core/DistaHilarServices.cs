using DistaHilar.Core.Data;
using DistaHilar.Core.Health;
using DistaHilar.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DistaHilar.Core;

/// <summary>The one composition root: the function app, the tests and the tools all call this.</summary>
public static class DistaHilarServices
{
    public static IServiceCollection AddDistaHilarCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(TimeProvider.System);

        services.AddOptions<DatabaseOptions>().Bind(configuration.GetSection(DatabaseOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<HealthOptions>().Bind(configuration.GetSection(HealthOptions.Section));

        services.AddSingleton(sp => NpgsqlDataSource.Create(PooledConnectionString.For(sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.ConnectionString)));
        services.AddDbContextPool<DistaHilarDbContext>((sp, options) => options.UseNpgsql(sp.GetRequiredService<NpgsqlDataSource>()));

        services.AddSingleton(_ => StorageClients.FromConnectionString(
            configuration[StorageClients.Setting] is { Length: > 0 } storage
                ? storage
                : throw new InvalidOperationException($"{StorageClients.Setting} is required (the storage account connection string).")));

        services.AddSingleton<HealthService>();
        return services;
    }
}
