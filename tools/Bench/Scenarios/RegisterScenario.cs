using System.Globalization;
using System.Net;

namespace DistaHilar.Bench.Scenarios;

/// <summary>
/// POST api/auth/register of a brand-new user per request: validation, two rate-limit counters, the uniqueness
/// checks, one Argon2id hash, the user and session rows, and the tokens.
/// </summary>
internal sealed class RegisterScenario : IScenario
{
    private readonly string prefix = BenchUsers.NewRunPrefix();

    // Per worker, touched only by that worker: how many users it has registered (warm-up and levels included),
    // so "<prefix>_<worker>_<n>" never repeats within a run.
    private long[] counters = [];

    public string Name => "register";

    public Task SetupAsync(BenchContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        counters = new long[context.Workers];
        return Task.CompletedTask;
    }

    public async ValueTask<Outcome> ExecuteAsync(HttpClient client, int workerIndex, CancellationToken ct)
    {
        // At most 9 + 1 + 4 + 1 + 17 characters: within the 32 allowed for any count a run can reach.
        var username = string.Create(CultureInfo.InvariantCulture, $"{prefix}_{workerIndex}_{counters[workerIndex]++}");
        using var response = await BenchUsers.RegisterAsync(client, username, ct);
        return Outcome.Expect(response, HttpStatusCode.Created);
    }
}
