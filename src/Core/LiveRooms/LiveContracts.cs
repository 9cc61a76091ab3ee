using System.Text.Json;
using DistaHilar.Core.Common;

namespace DistaHilar.Core.LiveRooms;

public sealed record LiveSpeaker(Guid UserId, string Role, bool Muted);

/// <summary>
/// <c>GET /api/chats/{chatId}/live</c> and <c>live.state</c>: who hosts and speaks, whose hands are up (in order),
/// how many listen and, in a group, who: the first <see cref="MaxListedListeners"/> listeners by join time (the
/// whole state goes out on every change, so a room of thousands must not make every event that large). A channel's
/// listeners are counted only: subscribers do not learn who else subscribes.
/// </summary>
public sealed record LiveState(
    Guid ChatId,
    bool Active,
    Guid? HostId,
    DateTimeOffset? StartedAt,
    IReadOnlyList<LiveSpeaker> Speakers,
    IReadOnlyList<Guid> RaisedHands,
    int ListenerCount,
    IReadOnlyList<Guid> Listeners)
{
    public const int MaxListedListeners = 100;

    public static LiveState Inactive(Guid chatId) => new(chatId, false, null, null, [], [], 0, []);
}

/// <summary><c>POST /api/chats/{chatId}/live/raise-hand</c>: raise (default) or lower my hand.</summary>
public sealed record RaiseHandRequest(bool? Raised);

/// <summary><c>PUT /api/chats/{chatId}/live/participants/{userId}/mute</c>.</summary>
public sealed record MuteRequest(bool? Muted)
{
    public Problem? Validate() => new Validator().Check(Muted is not null, "muted", "Say whether to mute (true) or unmute (false).").ToProblem();
}

/// <summary>The <c>liveSignal</c> hub method's argument: WebRTC signalling between two participants of one room.</summary>
public sealed record LiveSignalRequest(Guid? ChatId, Guid? ToUserId, string? Kind, JsonElement? Payload);

/// <summary><c>live.signal</c>: relayed to the one participant addressed, never stored.</summary>
public sealed record LiveSignal(Guid ChatId, Guid FromUserId, string Kind, JsonElement Payload);
