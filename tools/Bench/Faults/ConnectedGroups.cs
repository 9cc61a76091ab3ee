using System.Net;
using DistaHilar.Bench.Scenarios;

namespace DistaHilar.Bench.Faults;

/// <summary>
/// The fault run's and the soak's population: groups of members, each member a connected device
/// (<see cref="MemberDevice"/>), and a dialog between the first two users for calls. Disposing closes the devices.
/// </summary>
internal sealed class ConnectedGroups : IAsyncDisposable
{
    private ConnectedGroups(List<MemberDevice> devices) => Devices = devices;

    public List<MemberDevice> Devices { get; }

    public List<ConnectedGroup> Chats { get; } = [];

    /// <summary>The dialog of <see cref="Caller"/> and the first group's second member.</summary>
    public Guid DialogId { get; private set; }

    public RegisteredUser Caller => Devices[0].User;

    /// <summary>Registers groups × members users, connects each one's device (taking its cursor first), then makes the chats.</summary>
    public static async Task<ConnectedGroups> SetUpAsync(HttpClient client, Uri api, string name, int groups, int members, CancellationToken ct)
    {
        var users = await BenchUsers.RegisterManyAsync(client, BenchUsers.NewRunPrefix() + "_" + name + "_", groups * members, ct);
        var population = new ConnectedGroups([]);
        try
        {
            foreach (var user in users)
            {
                population.Devices.Add(await MemberDevice.ConnectAsync(client, user, api, ct));
            }

            for (var i = 0; i < groups; i++)
            {
                var devices = population.Devices.Skip(i * members).Take(members).ToList();
                var id = await ChatApi.CreateGroupAsync(client, devices[0].User, $"{name} {i}", [.. devices.Skip(1).Select(m => m.User.Id)], ct);
                population.Chats.Add(new ConnectedGroup(i, id, devices));
            }

            population.DialogId = (await ChatApi.RequireAsync(client, users[0].AccessToken, HttpMethod.Post, "chats/dialogs", new { userId = users[1].Id }, HttpStatusCode.Created, ct))
                .GetProperty("id").GetGuid();
            return population;
        }
        catch
        {
            await population.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var device in Devices)
        {
            await device.DisposeAsync();
        }
    }
}
