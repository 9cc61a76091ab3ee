namespace DistaHilar.Bench.Scenarios;

/// <summary>
/// Every HTTP scenario --scenario can name. A new scenario is one class implementing <see cref="IScenario"/> plus one
/// line here. <see cref="Names"/> also has the delivery workloads (fanout, send-dialog, send-group), pgbench and
/// media-image, which are not request loops of the bench's own and have their own runners.
/// </summary>
internal static class ScenarioCatalog
{
    public static IReadOnlyList<IScenario> All { get; } =
    [
        new HealthScenario(),
        new MeScenario(),
        new IceServersScenario(),
        new RegisterScenario(),
        new LoginScenario(),
        new ChatListScenario(),
        new JoinScenario(),
        new DialogScenario(),
        new DialogRepeatScenario(),
        new SendScenario(),
        new SendHotScenario(),
        MessageChangeScenario.React,
        MessageChangeScenario.Edit,
        MessageChangeScenario.Pin,
        MessageChangeScenario.Read,
        HistoryScenario.Newest,
        HistoryScenario.Deep,
        UploadScenario.Direct,
        UploadScenario.Api,
    ];

    public static IReadOnlyCollection<string> Names => [.. All.Select(s => s.Name), .. Delivery.DeliveryRunner.Workloads.Select(w => w.Name), Pgbench.PgbenchRunner.Name, Media.ImageRunner.Name, Faults.FaultRunner.Name, Soak.SoakRunner.Name];

    public static IScenario Get(string name) => All.Single(s => s.Name == name);
}
