using ArchUnitNET.Loader;
using DistaHilar.Core.Data;
using static ArchUnitNET.Fluent.ArchRuleDefinition;
using static ArchUnitNET.Fluent.Slices.SliceRuleDefinition;

namespace DistaHilar.Tests.Architecture;

/// <summary>
/// Core depends one way: shared layers (Common, Data — the entities and the DbContext —, Storage, RateLimiting,
/// Realtime, Pipeline) below the features, and no loop among the features. Read from Core's IL.
/// </summary>
public sealed class NamespaceCycleTests
{
    private static readonly string[] Features = ["Auth", "Users", "Contacts", "Chats", "Folders", "Messages", "Media", "Calls", "LiveRooms", "Updates", "Health", "Maintenance"];

    private static readonly ArchUnitNET.Domain.Architecture Core = new ArchLoader().LoadAssemblies(typeof(DistaHilarDbContext).Assembly).Build();

    [Fact]
    public void Core_namespaces_form_no_cycle()
    {
        // Every namespace is a slice (with its sub-namespaces), so a cycle between any two fails.
        Assert.True(Core.Namespaces.Count(n => n.FullName.StartsWith("DistaHilar.Core.", StringComparison.Ordinal)) > Features.Length);
        var cycles = Slices().Matching("DistaHilar.Core.(*)..").Should().BeFreeOfCycles().Evaluate(Core).Where(r => !r.Passed).Select(r => r.Description).ToList();
        Assert.True(cycles.Count == 0, string.Join(Environment.NewLine, cycles));
    }

    [Theory]
    [InlineData("Common")]
    [InlineData("Data")]
    [InlineData("Storage")]
    [InlineData("RateLimiting")]
    [InlineData("Realtime")]
    [InlineData("Pipeline")]
    public void A_shared_layer_depends_on_no_feature(string layer)
    {
        var features = Types().That().ResideInNamespaceMatching($@"^DistaHilar\.Core\.({string.Join('|', Features)})(\..*)?$");
        var violations = Types().That().ResideInNamespaceMatching($@"^DistaHilar\.Core\.{layer}(\..*)?$")
            .Should().NotDependOnAny(features)
            .Evaluate(Core).Where(r => !r.Passed).Select(r => r.Description.Split(" does depend on ")[0]).ToList();
        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }
}
