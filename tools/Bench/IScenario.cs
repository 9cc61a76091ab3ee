namespace DistaHilar.Bench;

/// <summary>
/// One kind of request the benchmark repeats. <see cref="SetupAsync"/> runs once before any level and is not
/// measured (create users, tokens, conversations for up to <see cref="BenchContext.Workers"/> workers);
/// <see cref="ExecuteAsync"/> is the measured unit, called in a closed loop by each worker.
/// </summary>
/// <remarks>
/// ExecuteAsync runs concurrently on every worker: keep per-worker state in arrays indexed by workerIndex
/// (filled during setup) rather than behind locks, so the scenario does not measure its own contention.
/// </remarks>
internal interface IScenario
{
    /// <summary>The --scenario name, also the default JSON file name.</summary>
    string Name { get; }

    Task SetupAsync(BenchContext context, CancellationToken ct);

    /// <summary>One request (or one user-visible operation); throwing counts as an error like a failed outcome.</summary>
    ValueTask<Outcome> ExecuteAsync(HttpClient client, int workerIndex, CancellationToken ct);
}

/// <summary>A scenario with facts about what it measured that belong next to the latencies (e.g. a response's size).</summary>
internal interface IScenarioNotes
{
    /// <summary>Read once after the last level; shown under the table and kept in the JSON as "notes".</summary>
    IReadOnlyDictionary<string, string> Notes { get; }
}

/// <summary>
/// A scenario that needs the stack the bench starts: it writes to or reads its database directly
/// (<see cref="BenchContext.Database"/>) or its storage (<see cref="BenchContext.Storage"/>), so it cannot run with --url.
/// </summary>
internal interface IDatabaseScenario : IScenario;

/// <summary>A scenario whose every operation moves the same payload: the report adds MiB/s per level.</summary>
internal interface IPayloadScenario : IScenario
{
    /// <summary>The payload of one successful operation, in bytes.</summary>
    long PayloadBytes { get; }
}

/// <summary>A scenario that leaves work behind a level (queued jobs, stored bytes) to settle before the next one, unmeasured.</summary>
internal interface ILevelSettling : IScenario
{
    /// <summary>Runs after each level's measurement and memory reading.</summary>
    Task AfterLevelAsync(CancellationToken ct);
}

/// <param name="Api">The app's API base, route prefix included (e.g. http://127.0.0.1:40123/api/); the client's BaseAddress.</param>
/// <param name="Client">The benchmark's client, for setup requests.</param>
/// <param name="Workers">The most workers any level will run: worker indexes are 0 .. Workers - 1.</param>
/// <param name="Database">
/// The stack's PostgreSQL (direct, as the app's migrations connect), for setups too big for the API; null for an app
/// given with --url, whose database is not the bench's to write to.
/// </param>
/// <param name="Storage">The stack's storage account (Azurite) connection string, as the app has it; null with --url.</param>
internal sealed record BenchContext(Uri Api, HttpClient Client, int Workers, string? Database, string? Storage = null);

/// <summary>A request's result: success, or the reason it failed (kept for the report's first error).</summary>
internal readonly record struct Outcome(string? Error)
{
    public static Outcome Success => default;

    public bool IsSuccess => Error is null;

    public static Outcome Failure(string error) => new(error);

    /// <summary>Success if the response has the expected status, else a failure naming what came back.</summary>
    public static Outcome Expect(HttpResponseMessage response, System.Net.HttpStatusCode expected)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.StatusCode == expected
            ? Success
            : Failure($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.AbsolutePath}: {(int)response.StatusCode} {response.StatusCode}, expected {(int)expected}");
    }
}
