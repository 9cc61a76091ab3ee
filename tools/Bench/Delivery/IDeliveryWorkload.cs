using System.Text.Json;
using DistaHilar.Bench.Scenarios;

namespace DistaHilar.Bench.Delivery;

/// <summary>
/// What a delivery benchmark sends, one event at a time, and how the receivers' clients recognise it; the
/// <see cref="DeliveryRunner"/> does the rest (users, clients, warm-up, timing) the same way for every workload.
/// </summary>
internal interface IDeliveryWorkload
{
    /// <summary>The --scenario name, also the default JSON file name.</summary>
    string Name { get; }

    /// <summary>Receiver counts when --receivers is not given.</summary>
    IReadOnlyList<int> DefaultReceivers { get; }

    /// <summary>The hub method (event type) the receivers' clients listen to.</summary>
    string Event { get; }

    /// <summary>
    /// True if the sender holds a connected client too, as a messenger's sending device does: it gets the event
    /// like everyone else but is never a receiver (not waited for, not measured).
    /// </summary>
    bool SenderConnected { get; }

    /// <summary>One line for the report: what an event is and who is connected.</summary>
    string Description { get; }

    /// <summary>The targets the results are read against, or null.</summary>
    string? Goal { get; }

    /// <summary>Why these receiver counts cannot run (null if they can); checked before anything starts.</summary>
    string? CheckReceivers(IReadOnlyList<int> receivers);

    /// <summary>The text in <paramref name="envelope"/> that carries the <see cref="Marker"/>, or null if there is none.</summary>
    string? MarkerText(JsonElement envelope);

    /// <summary>Setup (not measured): the chat whose members are the sender and every receiver; its id.</summary>
    Task<Guid> CreateChatAsync(HttpClient client, RegisteredUser sender, IReadOnlyList<RegisteredUser> receivers, CancellationToken ct);

    /// <summary>The measured API call: one event carrying <paramref name="marker"/> to the chat; throws unless it succeeded.</summary>
    Task SendAsync(HttpClient client, RegisteredUser sender, Guid chatId, Marker marker, CancellationToken ct);
}
