using System.Text.Json;
using DistaHilar.Core.Calls;
using DistaHilar.Core.Chats;
using DistaHilar.Core.Common;
using DistaHilar.Core.LiveRooms;

namespace DistaHilar.Core.Realtime;

/// <summary>
/// Client-to-server hub methods arriving through the service's upstream. Each answers a result or a problem; the
/// upstream function turns either into the completion the client's <c>invoke()</c> resolves or rejects with.
/// </summary>
public sealed class HubMethods(TypingRelay typing, CallSignals calls, LiveSignals live)
{
    public async Task<Result<Done>> InvokeAsync(string method, Guid? userId, string connectionId, IReadOnlyList<JsonElement> arguments, CancellationToken ct)
    {
        if (userId is null)
        {
            return Problem.Unauthorized("The connection has no user.");
        }

        return method switch
        {
            TypingRelay.Method when arguments.Count == 1 => await typing.RelayAsync(userId.Value, connectionId, arguments[0], ct),
            TypingRelay.Method => Problem.Validation("arguments", "typing takes one argument {chatId, action}."),
            CallSignals.Method when arguments.Count == 1 => await calls.RelayAsync(userId.Value, arguments[0], ct),
            CallSignals.Method => Problem.Validation("arguments", "callSignal takes one argument {callId, toUserId, kind, payload}."),
            LiveSignals.Method when arguments.Count == 1 => await live.RelayAsync(userId.Value, arguments[0], ct),
            LiveSignals.Method => Problem.Validation("arguments", "liveSignal takes one argument {chatId, toUserId, kind, payload}."),
            _ => Problem.NotFound($"The hub method '{method}'"),
        };
    }
}
