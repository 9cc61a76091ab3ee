namespace DistaHilar.Core.Realtime;

/// <summary>
/// The one argument of every server-to-client event. <see cref="EventId"/> is stable across redeliveries, so clients
/// drop duplicates; chat events carry the chat's event sequence <see cref="Seq"/>, so a gap tells a client to catch up.
/// </summary>
public sealed record RealtimeEnvelope(Guid EventId, string Type, Guid? ChatId, long? Seq, DateTimeOffset OccurredAt, object Data);

/// <summary>Names of the service's groups.</summary>
public static class RealtimeGroups
{
    /// <summary>Every member of a chat is in its group, so a chat event costs one call whatever the member count.</summary>
    public static string Chat(Guid chatId) => $"chat:{chatId:N}";
}
