using System.Text.Json;
using DistaHilar.Core.Common;
using DistaHilar.Core.Data;
using DistaHilar.Core.RateLimiting;
using DistaHilar.Core.Realtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace DistaHilar.Core.Chats;

/// <summary>The <c>typing</c> hub method's argument.</summary>
public sealed record TypingRequest(Guid? ChatId, string? Action)
{
    /// <summary>What clients show: typing, recording or uploading; <c>cancel</c> clears it before the client's timeout.</summary>
    public static readonly IReadOnlySet<string> Actions = new HashSet<string>(StringComparer.Ordinal) { "typing", "recording_voice", "uploading_media", "cancel" };

    public Problem? Validate() => new Validator()
        .Check(ChatId is { } id && id != Guid.Empty, "chatId", "A chat id is required.")
        .Check(Action is not null && Actions.Contains(Action), "action", "Must be one of typing, recording_voice, uploading_media, cancel.")
        .ToProblem();
}

/// <summary><c>typing</c> to a chat's other members: ephemeral (no outbox, no seq: a lost one is harmless).</summary>
public sealed record TypingUpdate(Guid ChatId, Guid UserId, string Action);

/// <summary>
/// Relays <c>typing</c> from a member of a dialog or group to the chat's other connections; anyone else (a
/// stranger, anyone in a channel) gets an error completion and nothing is sent.
/// </summary>
public sealed class TypingRelay(DistaHilarDbContext db, SignalRService signalR, UserLimits limits, TimeProvider time, ILogger<TypingRelay> log) : IHubMethod
{
    public const string Method = "typing";

    public string Name => Method;

    public string Usage => "{chatId, action}";

    public Task<Result<Done>> InvokeAsync(Guid userId, string connectionId, JsonElement argument, CancellationToken ct) => RelayAsync(userId, connectionId, argument, ct);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<Result<Done>> RelayAsync(Guid userId, string connectionId, JsonElement argument, CancellationToken ct)
    {
        TypingRequest? request;
        try
        {
            request = argument.Deserialize<TypingRequest>(Json);
        }
        catch (JsonException)
        {
            request = null;
        }

        if (request is null)
        {
            return Problem.Validation("arguments", "Expected one argument {chatId, action}.");
        }

        if (request.Validate() is { } invalid)
        {
            return invalid;
        }

        // Over the limit: dropped, and the call still succeeds (clients repeat typing every few seconds anyway); before
        // the membership lookup, so a flood costs no database work either.
        if (limits.Check(UserAction.Typing, userId) is not null)
        {
            return Done.Value;
        }

        var chatId = request.ChatId!.Value;
        var member = await db.ChatMembers.AsNoTracking()
            .Where(m => m.ChatId == chatId && m.UserId == userId)
            .Join(db.Chats, m => m.ChatId, c => c.Id, (m, c) => new { c.Type })
            .FirstOrDefaultAsync(ct);
        if (member is null)
        {
            return Problem.NotFound("The chat");
        }

        if (member.Type == ChatType.Channel)
        {
            // Channel posts speak for the channel: who among the staff is typing is not the subscribers' business.
            return Problem.Forbidden("Nobody types in a channel.");
        }

        var update = new TypingUpdate(chatId, userId, request.Action!);
        var envelope = new RealtimeEnvelope(Guid.CreateVersion7(), Method, chatId, null, time.GetUtcNow(), update);
        try
        {
            await signalR.SendToGroupExceptAsync(RealtimeGroups.Chat(chatId), connectionId, Method, [envelope], ct);
        }
        catch (HttpRequestException ex)
        {
            // Ephemeral: a typing notice the service could not take is dropped, not worth failing the client's call.
            log.LogInformation("typing in {Chat} not relayed: {Error}", chatId, ex.Message);
        }

        return Done.Value;
    }
}
