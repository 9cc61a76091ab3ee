using System.Text.Json;
using System.Text.Json.Serialization;
using DistaHilar.Core.Common;
using DistaHilar.Core.Data;

namespace DistaHilar.Core.Calls;

/// <summary><c>POST /api/calls</c>: a call in a dialog.</summary>
public sealed record StartCallRequest(Guid? ChatId, bool? Video)
{
    public Problem? Validate() =>
        new Validator().Check(ChatId is { } id && id != Guid.Empty, "chatId", "The dialog's id is required.").ToProblem();
}

/// <summary>A call as both sides and the history see it; <c>call.incoming</c> and <c>call.updated</c> carry it.</summary>
public sealed record CallView(
    Guid Id,
    Guid ChatId,
    Guid CallerId,
    Guid CalleeId,
    bool Video,
    string Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? AnsweredAt,
    DateTimeOffset? EndedAt,
    string? EndReason,
    int? DurationSeconds)
{
    internal static CallView Of(PhoneCall call) => new(
        call.Id,
        call.ChatId,
        call.CallerId,
        call.CalleeId,
        call.Video,
        call.Status.ToString().ToLowerInvariant(),
        call.CreatedAt,
        call.AnsweredAt,
        call.EndedAt,
        call.EndReason,
        call is { AnsweredAt: { } answered, EndedAt: { } ended } ? (int)Math.Round((ended - answered).TotalSeconds) : null);
}

/// <summary>
/// The <c>callSignal</c> hub method's argument and <c>POST /api/calls/{callId}/signal</c>'s body: SDP or ICE for the
/// other side of the call. <c>payload</c> is opaque to the server (a string or JSON; ICE candidates may be an array).
/// </summary>
public sealed record CallSignalRequest(Guid? CallId, Guid? ToUserId, string? Kind, JsonElement? Payload)
{
    public static readonly IReadOnlySet<string> Kinds = new HashSet<string>(StringComparer.Ordinal) { "offer", "answer", "ice" };

    public Problem? Validate(int maxPayloadBytes) => new Validator()
        .Check(CallId is { } id && id != Guid.Empty, "callId", "The call's (or live room's chat) id is required.")
        .Check(ToUserId is { } to && to != Guid.Empty, "toUserId", "The other participant's id is required.")
        .Check(Kind is not null && Kinds.Contains(Kind), "kind", "One of offer, answer, ice.")
        .Check(Payload is { ValueKind: not JsonValueKind.Undefined and not JsonValueKind.Null }, "payload", "A payload is required.")
        .Check(Payload is not { } p || p.GetRawText().Length <= maxPayloadBytes, "payload", $"At most {maxPayloadBytes} bytes.")
        .ToProblem();
}

/// <summary><c>call.signal</c>: relayed to the other participant only, never stored.</summary>
public sealed record CallSignal(Guid CallId, Guid FromUserId, string Kind, JsonElement Payload);

/// <summary>One entry of <c>RTCConfiguration.iceServers</c>.</summary>
public sealed record IceServer(IReadOnlyList<string> Urls, string? Username = null, string? Credential = null);

/// <summary>
/// <c>GET /api/calls/ice-servers</c>: <c>iceServers</c>, the name <c>RTCConfiguration</c> takes, so clients pass it
/// straight through. TURN credentials stop working at <see cref="ExpiresAt"/>.
/// </summary>
public sealed record IceServers([property: JsonPropertyName("iceServers")] IReadOnlyList<IceServer> Entries, DateTimeOffset? ExpiresAt)
{
    /// <summary>The same list under its first name, kept for one release (deprecated in openapi.yaml).</summary>
    public IReadOnlyList<IceServer> Servers => Entries;
}
