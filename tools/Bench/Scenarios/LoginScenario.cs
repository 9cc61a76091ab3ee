using System.Net;
using System.Net.Http.Json;

namespace DistaHilar.Bench.Scenarios;

/// <summary>
/// POST api/auth/login with a right password, each worker as its own user (registered during setup): two
/// rate-limit checks and one count, the user lookup, one Argon2id verification, a new session row, the tokens.
/// </summary>
internal sealed class LoginScenario : IScenario
{
    private static readonly Uri Login = new("auth/login", UriKind.Relative);

    // Per worker: the body it sends, made once during setup.
    private LoginBody[] bodies = [];

    public string Name => "login";

    public async Task SetupAsync(BenchContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        var started = TimeProvider.System.GetTimestamp();
        var users = await BenchUsers.RegisterManyAsync(context.Client, BenchUsers.NewRunPrefix() + "_l", context.Workers, ct);
        bodies = users.Select(u => new LoginBody(u.Username, BenchUsers.Password)).ToArray();
        await Console.Error.WriteLineAsync($"Registered {users.Length} user(s) in {TimeProvider.System.GetElapsedTime(started).TotalSeconds:0.0} s.");
    }

    public async ValueTask<Outcome> ExecuteAsync(HttpClient client, int workerIndex, CancellationToken ct)
    {
        using var response = await client.PostAsJsonAsync(Login, bodies[workerIndex], ct);
        return Outcome.Expect(response, HttpStatusCode.OK);
    }

    private sealed record LoginBody(string Login, string Password);
}
