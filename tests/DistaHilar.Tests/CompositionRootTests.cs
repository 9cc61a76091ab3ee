using System.Reflection;
using DistaHilar.Core;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DistaHilar.Tests;

public sealed class CompositionRootTests
{
    /// <summary>Every class with a [Function] method, as the worker activates them.</summary>
    public static TheoryData<string> FunctionClasses() =>
        new(typeof(DistaHilar.Functions.Health.HealthFunction).Assembly.GetTypes()
            .Where(t => t.GetMethods().Any(m => m.GetCustomAttribute<FunctionAttribute>() is not null))
            .Select(t => t.FullName!));

    [Fact]
    public void The_function_app_has_functions() => Assert.NotEmpty(FunctionClasses());

    [Theory]
    [MemberData(nameof(FunctionClasses))]
    public void Every_function_class_resolves_from_the_composition_root(string typeName)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:ConnectionString"] = "Host=127.0.0.1;Port=1;Database=x;Username=x;Password=x",
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            ["Auth:SigningKeys:0:Id"] = "k",
            ["Auth:SigningKeys:0:Secret"] = Convert.ToBase64String(new byte[32]),
            ["Auth:ActiveSigningKeyId"] = "k",
        }).Build();
        var services = new ServiceCollection().AddLogging().AddDistaHilarCore(configuration);
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        using var scope = provider.CreateScope();
        var type = typeof(DistaHilar.Functions.Health.HealthFunction).Assembly.GetType(typeName, throwOnError: true)!;

        // The worker's activator is ActivatorUtilities: a missing registration throws here as it would there.
        var instance = type.IsAbstract ? null : ActivatorUtilities.CreateInstance(scope.ServiceProvider, type);

        Assert.True(type.IsAbstract || instance is not null);
    }
}
