using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;

namespace DistaHilar.Bench.Scenarios;

/// <summary>Users a scenario creates through the public API: names unique per run, and the requests' bodies.</summary>
internal static class BenchUsers
{
    /// <summary>Every bench user's password (the app only wants 8 to 128 characters).</summary>
    public const string Password = "bench-password-1234";

    private static readonly Uri Register = new("auth/register", UriKind.Relative);

    /// <summary>
    /// A prefix unique to this run ("b" and 8 random characters of [a-z0-9]), so runs against the same database
    /// (--url) never collide with each other's users. Leaves 23 of the username's 32 characters to the caller.
    /// </summary>
    public static string NewRunPrefix()
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        return "b" + RandomNumberGenerator.GetString(alphabet, 8);
    }

    public static string Email(string username) => username + "@bench.test";

    /// <summary>POST api/auth/register for <paramref name="username"/>; the caller disposes the response.</summary>
    public static Task<HttpResponseMessage> RegisterAsync(HttpClient client, string username, CancellationToken ct) =>
        client.PostAsJsonAsync(Register, new RegisterBody(username, Email(username), Password, "Bench User"), ct);

    /// <summary>Registers users "&lt;prefix&gt;&lt;i&gt;" for i in 0 .. count - 1, a few at a time; throws if any is refused.</summary>
    public static async Task<RegisteredUser[]> RegisterManyAsync(HttpClient client, string prefix, int count, CancellationToken ct)
    {
        var usernames = Enumerable.Range(0, count).Select(i => prefix + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        var users = new RegisteredUser[count];

        // Each registration costs the server one Argon2id hash (~19 MiB, tens to hundreds of ms of one core):
        // as many at once as the machine has cores keeps setup quick without queueing hashes in the worker.
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Clamp(Environment.ProcessorCount, 1, 8), CancellationToken = ct };
        await Parallel.ForEachAsync(Enumerable.Range(0, count), parallel, async (i, token) =>
        {
            var username = usernames[i];
            using var response = await RegisterAsync(client, username, token);
            if (response.StatusCode != HttpStatusCode.Created)
            {
                var body = await response.Content.ReadAsStringAsync(token);
                var hint = response.StatusCode == HttpStatusCode.TooManyRequests
                    ? " (rate limited: an app given with --url needs generous RateLimits__*, see --help)"
                    : "";
                throw new InvalidOperationException(
                    $"Setup could not register {username}: {(int)response.StatusCode} {response.StatusCode}{hint}: {Truncate(body)}");
            }

            var registered = await response.Content.ReadFromJsonAsync<RegisterResponse>(token);
            users[i] = new RegisteredUser(username, registered!.User.Id, registered.AccessToken);
        });
        return users;
    }

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "...";

    // Serialised camelCase (PostAsJsonAsync uses the web defaults), as the API's contracts are.
    private sealed record RegisterBody(string Username, string Email, string Password, string Name);

    private sealed record RegisterResponse(UserId User, string AccessToken);

    private sealed record UserId(Guid Id);
}

/// <summary>A user setup registered, with the access token it got (good for the app's token lifetime, 15 minutes by default).</summary>
internal sealed record RegisteredUser(string Username, Guid Id, string AccessToken);
