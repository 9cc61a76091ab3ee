using System.Net;
using System.Text.Json;
using DistaHilar.Bench.Scenarios;

namespace DistaHilar.Bench.Delivery;

/// <summary>
/// fanout: the owner (not connected) renames a group of N members (PATCH api/chats/{id} {title}), one
/// <c>chat.updated</c> to the chat's SignalR group each, with the marker as the title.
/// </summary>
internal sealed class RenameWorkload : IDeliveryWorkload
{
    public string Name => "fanout";

    public IReadOnlyList<int> DefaultReceivers { get; } = [2, 50, 500];

    public string Event => "chat.updated";

    public bool SenderConnected => false;

    public string Description => "event = a rename of a group of the owner (not connected) and N members (PATCH api/chats/{id})";

    public string? Goal => null;

    public string? CheckReceivers(IReadOnlyList<int> receivers) => null;

    public string? MarkerText(JsonElement envelope) => envelope.GetProperty("data").GetProperty("title").GetString();

    public Task<Guid> CreateChatAsync(HttpClient client, RegisteredUser sender, IReadOnlyList<RegisteredUser> receivers, CancellationToken ct) =>
        ChatApi.CreateGroupAsync(client, sender, "fanout", [.. receivers.Select(r => r.Id)], ct);

    public Task SendAsync(HttpClient client, RegisteredUser sender, Guid chatId, Marker marker, CancellationToken ct) =>
        ChatApi.ExpectAsync(client, sender.AccessToken, HttpMethod.Patch, $"chats/{chatId}", new { title = marker.ToString() }, HttpStatusCode.OK, ct);
}
