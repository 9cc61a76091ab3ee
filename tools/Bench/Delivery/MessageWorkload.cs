using System.Globalization;
using System.Net;
using System.Text.Json;
using DistaHilar.Bench.Scenarios;

namespace DistaHilar.Bench.Delivery;

/// <summary>
/// send-dialog and send-group: the sender posts messages (POST api/chats/{id}/messages), one <c>message.created</c>
/// each, with the marker at the start of the text. Every member is connected, the sender too (as a messenger's
/// sending device is), so the service pushes each message to receivers + 1 connections; only the receivers are
/// waited for. A dialog has exactly one receiver (the peer); a group has the sender and N receivers.
/// </summary>
internal sealed class MessageWorkload : IDeliveryWorkload
{
    // After the marker: a line of ordinary length, so the payload is a realistic message's, not a 10-byte one.
    private const string Filler = ": a line of ordinary length, about what people type.";

    private readonly bool dialog;

    private MessageWorkload(string name, bool dialog, IReadOnlyList<int> defaultReceivers, string description, string goal)
    {
        Name = name;
        this.dialog = dialog;
        DefaultReceivers = defaultReceivers;
        Description = description;
        Goal = goal;
    }

    public static MessageWorkload Dialog { get; } = new(
        "send-dialog",
        dialog: true,
        [1],
        "event = a message in a dialog (POST api/chats/{id}/messages); the sender and the peer (the one receiver) are connected",
        "delivery p99 (API call → the peer's client) ≤ 5 ms; peak worker RSS ≤ 200 MiB");

    public static MessageWorkload Group { get; } = new(
        "send-group",
        dialog: false,
        [49],
        "event = a message in a group of the sender and N receivers (POST api/chats/{id}/messages); all N + 1 are connected",
        "at 49 receivers (a group of 50): ≥ 810 msg/s one at a time and p99 until every receiver ('all p99') ≤ 25 ms; peak worker RSS ≤ 200 MiB");

    public string Name { get; }

    public IReadOnlyList<int> DefaultReceivers { get; }

    public string Event => "message.created";

    public bool SenderConnected => true;

    public string Description { get; }

    public string? Goal { get; }

    public string? CheckReceivers(IReadOnlyList<int> receivers) =>
        dialog && receivers.Any(r => r != 1) ? $"{Name} is a dialog: its one receiver is the peer (--receivers 1); send-group takes more." : null;

    public string? MarkerText(JsonElement envelope) => envelope.GetProperty("data").GetProperty("text").GetString();

    public async Task<Guid> CreateChatAsync(HttpClient client, RegisteredUser sender, IReadOnlyList<RegisteredUser> receivers, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(sender);
        ArgumentNullException.ThrowIfNull(receivers);
        return dialog
            ? (await ChatApi.RequireAsync(client, sender.AccessToken, HttpMethod.Post, "chats/dialogs", new { userId = receivers[0].Id }, HttpStatusCode.Created, ct)).GetProperty("id").GetGuid()
            : await ChatApi.CreateGroupAsync(client, sender, Name, [.. receivers.Select(r => r.Id)], ct);
    }

    public Task SendAsync(HttpClient client, RegisteredUser sender, Guid chatId, Marker marker, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(sender);
        var body = new { clientMessageId = Guid.NewGuid().ToString(), text = string.Create(CultureInfo.InvariantCulture, $"{marker}{Filler}") };
        return ChatApi.ExpectAsync(client, sender.AccessToken, HttpMethod.Post, $"chats/{chatId}/messages", body, HttpStatusCode.Created, ct);
    }
}
