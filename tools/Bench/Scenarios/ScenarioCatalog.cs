namespace DistaHilar.Bench.Scenarios;

/// <summary>
/// Every HTTP scenario --scenario can name. A new scenario is one class implementing <see cref="IScenario"/> plus one
/// line here. <see cref="Names"/> also has fanout, which is not a request loop and has its own runner.
/// </summary>
internal static class ScenarioCatalog
{
    public static IReadOnlyList<IScenario> All { get; } =
    [
        new HealthScenario(),
        new RegisterScenario(),
        new LoginScenario(),
        new ChatListScenario(),
        new JoinScenario(),
        new DialogScenario(),
        new DialogRepeatScenario(),
    ];

    public static IReadOnlyCollection<string> Names => [.. All.Select(s => s.Name), Fanout.FanoutRunner.Name];

    public static IScenario Get(string name) => All.Single(s => s.Name == name);
}
