using System.Globalization;
using System.Net;

namespace DistaHilar.Bench.Scenarios;

/// <summary>
/// POST api/chats/join/{inviteCode}: a user joins a private group by its invite link, every request a (user, group)
/// pair not joined before. Setup (not measured) registers an owner and <see cref="Joiners"/> users; the owner creates
/// <see cref="Groups"/> groups and makes an invite link for each. Pair k is group k % Groups and user k / Groups,
/// so requests running together join different groups; worker w takes pairs w, w + W, w + 2W, ... (W workers).
/// </summary>
internal sealed class JoinScenario : IScenario
{
    private const int Groups = 200;
    private const int Joiners = 50;

    private string[] codes = [];
    private RegisteredUser[] joiners = [];
    private int workers;

    // Per worker, touched only by that worker: how many pairs it has used (warm-up and levels included).
    private long[] used = [];

    public string Name => "join";

    public async Task SetupAsync(BenchContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        var client = context.Client;
        var started = TimeProvider.System.GetTimestamp();
        var users = await BenchUsers.RegisterManyAsync(client, BenchUsers.NewRunPrefix() + "_j", Joiners + 1, ct);
        await Console.Error.WriteLineAsync($"Registered {users.Length} user(s) in {TimeProvider.System.GetElapsedTime(started).TotalSeconds:0.0} s.");
        var owner = users[0];
        joiners = users[1..];

        codes = new string[Groups];
        await ChatApi.ForEachAsync("Groups with invite links", Groups, async (i, token) =>
        {
            var chatId = await ChatApi.CreateGroupAsync(client, owner, string.Create(CultureInfo.InvariantCulture, $"Join bench {i}"), [], token);
            var link = await ChatApi.RequireAsync(client, owner.AccessToken, HttpMethod.Post, $"chats/{chatId}/invite-link", null, HttpStatusCode.OK, token);
            codes[i] = link.GetProperty("inviteCode").GetString()!;
        }, ct);

        workers = context.Workers;
        used = new long[workers];
    }

    public async ValueTask<Outcome> ExecuteAsync(HttpClient client, int workerIndex, CancellationToken ct)
    {
        var pair = workerIndex + (used[workerIndex]++ * workers);
        if (pair >= (long)Groups * Joiners)
        {
            return Outcome.Failure($"All {Groups * Joiners} (user, group) pairs are used: the run outlasted the setup.");
        }

        var (group, user) = ((int)(pair % Groups), (int)(pair / Groups));
        using var response = await ChatApi.SendAsync(
            client, joiners[user].AccessToken, HttpMethod.Post, new Uri("chats/join/" + Uri.EscapeDataString(codes[group]), UriKind.Relative), null, ct);
        return Outcome.Expect(response, HttpStatusCode.OK);
    }
}
