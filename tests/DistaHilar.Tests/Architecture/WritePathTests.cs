using ArchUnitNET.Domain;
using ArchUnitNET.Loader;
using DistaHilar.Core.Data;
using ArchUnitNET.Fluent.Syntax.Elements.Types;
using Microsoft.EntityFrameworkCore;
using static ArchUnitNET.Fluent.ArchRuleDefinition;

namespace DistaHilar.Tests.Architecture;

/// <summary>
/// Every change goes through the write pipeline (docs/write-pipeline.md): no feature opens or commits a transaction or
/// publishes events itself. Read from Core's IL, so a call inside a lambda or an async method counts too.
/// </summary>
public sealed class WritePathTests
{
    private const string Pipeline = "DistaHilar.Core.Pipeline";

    /// <summary>The outbox's own machinery: claiming rows to publish is not a change of the app's state.</summary>
    private const string OutboxPublisher = @"^DistaHilar\.Core\.Realtime\.OutboxPublisher";

    private static readonly ArchUnitNET.Domain.Architecture Core = new ArchLoader()
        .LoadAssemblies(typeof(DistaHilarDbContext).Assembly, typeof(DbContext).Assembly)
        .Build();

    [Fact]
    public void Only_the_pipeline_opens_and_commits_transactions()
    {
        var transactions = MethodMembers().That().HaveNameStartingWith("BeginTransaction").Or().HaveNameStartingWith("CommitAsync");
        // The rule sees the pipeline's own calls (in its async methods' state machines), so it would see a feature's.
        Assert.Contains(Violations(CoreTypes().Should().NotCallAny(transactions)), v => v.StartsWith("DistaHilar.Core.Pipeline.WritePipeline", StringComparison.Ordinal));
        AssertHolds(
            CoreTypes()
                .And().DoNotResideInNamespace(Pipeline)
                .And().DoNotHaveFullNameMatching(OutboxPublisher)
                .Should().NotCallAny(transactions),
            "a feature writes through WritePipeline instead");
    }

    [Fact]
    public void Only_the_pipeline_publishes_events()
    {
        var publish = MethodMembers().That().AreDeclaredIn(typeof(Core.Realtime.RealtimeEvents)).And().HaveNameStartingWith("PublishAsync");
        Assert.Contains(Violations(CoreTypes().Should().NotCallAny(publish)), v => v.StartsWith("DistaHilar.Core.Pipeline.WritePipeline", StringComparison.Ordinal));
        AssertHolds(
            CoreTypes()
                .And().DoNotResideInNamespace(Pipeline)
                .Should().NotCallAny(publish),
            "a feature's events are published by WritePipeline after its commit");
    }

    private static GivenTypesConjunction CoreTypes() => Types().That().ResideInAssembly(typeof(DistaHilarDbContext).Assembly);

    /// <summary>The types that break the rule, each with what it calls.</summary>
    private static List<string> Violations(TypesShouldConjunction rule) =>
        rule.Evaluate(Core).Where(r => !r.Passed).Select(r => r.Description).ToList();

    private static void AssertHolds(TypesShouldConjunction rule, string because)
    {
        var violations = Violations(rule);
        Assert.True(violations.Count == 0, $"{because}:{Environment.NewLine}{string.Join(Environment.NewLine, violations.Select(v => v.Split(" only calls ")[0]))}");
    }
}
