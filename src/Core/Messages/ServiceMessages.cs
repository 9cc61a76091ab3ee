using System.Text.Json;
using DistaHilar.Core.Data;
using DistaHilar.Core.Pipeline;
using DistaHilar.Core.Realtime;

namespace DistaHilar.Core.Messages;

/// <summary>
/// Messages the app writes into a chat about something that happened there ("Missed call", "Outgoing call, 3:12"):
/// numbered and delivered like any message (<c>message.created</c>), from the person who acted, with no text and a
/// structured record clients render in their language.
/// </summary>
public sealed class ServiceMessages(DistaHilarDbContext db, RealtimeEvents events)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>A finished call's record in its dialog, from the caller; a step of the caller's change (in its transaction).</summary>
    public async Task RecordCallAsync(Guid dialogId, Guid callerId, CallSummary call, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(call);
        // A dialog's two members never leave it (deleting it deletes its calls), so the caller can always post here.
        var (seq, eventSeq, chatType) = await db.TakeMessageNumbersAsync(dialogId, callerId, 1, now, ct)
            ?? throw new InvalidOperationException("The caller is not a member of the call's dialog.");

        var message = new Message
        {
            Id = Guid.CreateVersion7(now),
            ChatId = dialogId,
            Seq = seq,
            SenderId = callerId,
            Service = JsonSerializer.Serialize(call, Json),
            CreatedAt = now,
        };
        db.Messages.Add(message);
        events.ToChat(dialogId, eventSeq, MessageService.Created, MessageViews.View(message, null) with { ReadByPeer = chatType == ChatType.Dialog ? false : null });
        await db.SaveChangesAsync(ct);
    }

    internal static CallSummary? CallOf(Message message) =>
        message.Service is { } service ? JsonSerializer.Deserialize<CallSummary>(service, Json) : null;
}
