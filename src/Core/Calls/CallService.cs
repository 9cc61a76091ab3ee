using DistaHilar.Core.Auth;
using DistaHilar.Core.Common;
using DistaHilar.Core.Data;
using DistaHilar.Core.Messages;
using DistaHilar.Core.Pipeline;
using DistaHilar.Core.RateLimiting;
using DistaHilar.Core.Realtime;
using DistaHilar.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DistaHilar.Core.Calls;

/// <summary>The <c>call-timeouts</c> queue's message: check whether the call is still ringing.</summary>
public sealed record CallTimeout(Guid CallId);

/// <summary>
/// 1:1 calls in dialogs, all state in PostgreSQL, so any instance serves any step. Each step is one conditional
/// update from the state it expects; the loser of a race finds the call moved (409). The ring timeout is a delayed
/// queue message, queued before the call commits (a timeout for a call that never committed finds nothing). Every
/// step sends <c>call.updated</c> to both sides' connections, and a finished call leaves a service message in the
/// dialog.
/// </summary>
public sealed class CallService(DistaHilarDbContext db, WritePipeline pipeline, RealtimeEvents events, ServiceMessages serviceMessages, QueueSender queues, UserLimits limits, IOptions<CallOptions> options, TimeProvider time) : IAccountDeletionStep
{
    public const string TimeoutQueue = "call-timeouts";
    public const string Incoming = "call.incoming";
    public const string Updated = "call.updated";
    public const int DefaultPage = 50;

    public async Task<Result<CallView>> StartAsync(Caller caller, StartCallRequest request, CancellationToken ct)
    {
        if (request.Validate() is { } invalid)
        {
            return invalid;
        }

        if (limits.Check(UserAction.CallStarted, caller.UserId) is { } limited)
        {
            return limited;
        }

        var me = caller.UserId;
        var dialog = await db.ChatMembers.AsNoTracking()
            .Where(m => m.ChatId == request.ChatId && m.UserId == me)
            .Join(db.Chats, m => m.ChatId, c => c.Id, (m, c) => new { c.Id, c.Type })
            .FirstOrDefaultAsync(ct);
        if (dialog is null)
        {
            return Problem.NotFound("The chat");
        }

        if (dialog.Type != ChatType.Dialog)
        {
            return Problem.Validation("chatId", "Calls are made in dialogs; groups and channels have live rooms.");
        }

        var peer = await db.ChatMembers.Where(m => m.ChatId == dialog.Id && m.UserId != me)
            .Join(db.Users.Where(u => u.DeletedAt == null), m => m.UserId, u => u.Id, (m, u) => (Guid?)u.Id)
            .FirstOrDefaultAsync(ct);
        if (peer is not { } callee)
        {
            return Problem.Unprocessable("The other person's account is deleted.");
        }

        return await pipeline.RunAsync<CallView>(
            async () =>
            {
                // Both people's rows, in one order: concurrent calls between the same or overlapping people queue here, so
                // the busy check below sees every committed call.
                var (first, second) = me.CompareTo(callee) < 0 ? (me, callee) : (callee, me);
                await db.Database.ExecuteSqlAsync($"SELECT 1 FROM users WHERE id IN ({first}, {second}) ORDER BY id FOR UPDATE", ct);
                var busy = await db.Calls.AnyAsync(
                    c => (c.Status == CallStatus.Ringing || c.Status == CallStatus.Active)
                        && (c.CallerId == me || c.CalleeId == me || c.CallerId == callee || c.CalleeId == callee),
                    ct);
                var now = time.GetUtcNow();
                var call = new PhoneCall
                {
                    Id = Guid.CreateVersion7(now),
                    ChatId = dialog.Id,
                    CallerId = me,
                    CalleeId = callee,
                    Video = request.Video ?? false,
                    Status = busy ? CallStatus.Busy : CallStatus.Ringing,
                    CreatedAt = now,
                    EndedAt = busy ? now : null,
                    EndReason = busy ? "busy" : null,
                };
                db.Calls.Add(call);
                var view = CallView.Of(call);
                if (busy)
                {
                    // Only the caller learns of it; the callee's phone does not ring.
                    events.ToUser(me, Updated, view);
                    await db.SaveChangesAsync(ct);
                    await serviceMessages.RecordCallAsync(call.ChatId, call.CallerId, Summary(call), now, ct);
                }
                else
                {
                    events.ToUser(callee, Incoming, view);
                    events.ToUser(me, Updated, view);
                    await db.SaveChangesAsync(ct);
                    await queues.SendAsync(TimeoutQueue, new CallTimeout(call.Id), ct, options.Value.RingTimeout);
                }

                return view;
            },
            ct);
    }

    /// <summary>The callee answers (on one of their devices; the others learn from <c>call.updated</c>).</summary>
    public async Task<Result<CallView>> AcceptAsync(Caller caller, Guid callId, CancellationToken ct) =>
        await MineAsync(caller, callId, ct) is { } call
            ? await StepAsync(call, call.CalleeId == caller.UserId, CallStatus.Ringing, CallStatus.Active, null, ct)
            : Problem.NotFound("The call");

    /// <summary>The callee declines a ringing call.</summary>
    public async Task<Result<CallView>> RejectAsync(Caller caller, Guid callId, CancellationToken ct) =>
        await MineAsync(caller, callId, ct) is { } call
            ? await StepAsync(call, call.CalleeId == caller.UserId, CallStatus.Ringing, CallStatus.Rejected, "rejected", ct)
            : Problem.NotFound("The call");

    /// <summary>
    /// Either side hangs up: an active call ends; a ringing one is cancelled by the caller (the callee missed it) or
    /// declined by the callee.
    /// </summary>
    public async Task<Result<CallView>> EndAsync(Caller caller, Guid callId, CancellationToken ct)
    {
        var call = await MineAsync(caller, callId, ct);
        return call switch
        {
            null => Problem.NotFound("The call"),
            { Status: CallStatus.Active } => await StepAsync(call, true, CallStatus.Active, CallStatus.Ended, "hangup", ct),
            { Status: CallStatus.Ringing } when call.CallerId == caller.UserId => await StepAsync(call, true, CallStatus.Ringing, CallStatus.Missed, "cancelled", ct),
            { Status: CallStatus.Ringing } => await StepAsync(call, true, CallStatus.Ringing, CallStatus.Rejected, "rejected", ct),
            _ => Problem.Conflict("status", $"The call has already ended ({call.Status.ToString().ToLowerInvariant()})."),
        };
    }

    /// <summary>The ring timeout (queue): a call still ringing is missed. Idempotent.</summary>
    public async Task TimeOutAsync(CallTimeout timeout, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(timeout);
        await FinishAsync(timeout.CallId, CallStatus.Ringing, CallStatus.Missed, "no_answer", ct);
    }

    /// <summary>
    /// Ends the user's ringing and active calls, with <paramref name="reason"/> on each: their last connection went
    /// away, or their account was deleted. Inside the caller's transaction the calls end with the caller's change and
    /// the caller publishes; otherwise each call ends on its own.
    /// </summary>
    public async Task EndAllAsync(Guid userId, string reason, CancellationToken ct)
    {
        var live = await db.Calls.AsNoTracking()
            .Where(c => (c.CallerId == userId || c.CalleeId == userId) && (c.Status == CallStatus.Ringing || c.Status == CallStatus.Active))
            .Select(c => new { c.Id, c.Status })
            .ToListAsync(ct);
        foreach (var call in live)
        {
            var to = call.Status == CallStatus.Active ? CallStatus.Ended : CallStatus.Missed;
            await FinishAsync(call.Id, call.Status, to, reason, ct);
        }
    }

    /// <summary>A deleted account's calls end with the deletion.</summary>
    public Task AccountDeletedAsync(Guid userId, CancellationToken ct) => EndAllAsync(userId, "account_deleted", ct);

    /// <summary>My calls, newest first (keyset pages).</summary>
    public async Task<Result<Page<CallView>>> HistoryAsync(Caller caller, PageRequest page, CancellationToken ct)
    {
        var me = caller.UserId;
        var query = db.Calls.AsNoTracking().Where(c => c.CallerId == me || c.CalleeId == me);
        if (page.Cursor is not null)
        {
            var cursor = Cursor.Decode<HistoryCursor>(page.Cursor);
            if (!cursor.IsSuccess)
            {
                return cursor.Problem;
            }

            var (at, id) = (cursor.Value.At, cursor.Value.Id);
            query = query.Where(c => c.CreatedAt < at || (c.CreatedAt == at && c.Id.CompareTo(id) < 0));
        }

        var rows = await query.OrderByDescending(c => c.CreatedAt).ThenByDescending(c => c.Id).Take(page.Limit + 1).ToListAsync(ct);
        var next = rows.Count > page.Limit ? Cursor.Encode(new HistoryCursor(rows[page.Limit - 1].CreatedAt, rows[page.Limit - 1].Id)) : null;
        return new Page<CallView>(rows.Take(page.Limit).Select(CallView.Of).ToList(), next);
    }

    private sealed record HistoryCursor(DateTimeOffset At, Guid Id);

    /// <summary>The call's record in its dialog (a service message).</summary>
    private static CallSummary Summary(PhoneCall call)
    {
        var view = CallView.Of(call);
        return new CallSummary(call.Id, view.Status, call.Video, view.DurationSeconds, call.EndReason);
    }

    private Task<PhoneCall?> MineAsync(Caller caller, Guid callId, CancellationToken ct) =>
        db.Calls.AsNoTracking().FirstOrDefaultAsync(c => c.Id == callId && (c.CallerId == caller.UserId || c.CalleeId == caller.UserId), ct);

    /// <param name="mayAct">Whether the caller has the role for this step (403 otherwise), whatever the call's state.</param>
    /// <param name="from">The state the step starts from (409 when the call is elsewhere: answered, declined, over).</param>
    private async Task<Result<CallView>> StepAsync(PhoneCall call, bool mayAct, CallStatus from, CallStatus to, string? reason, CancellationToken ct)
    {
        if (!mayAct)
        {
            return Problem.Forbidden("Only the person called answers or declines a call.");
        }

        if (call.Status != from)
        {
            return Problem.Conflict("status", $"The call is {call.Status.ToString().ToLowerInvariant()}, not {from.ToString().ToLowerInvariant()}.");
        }

        return await FinishAsync(call.Id, from, to, reason, ct);
    }

    /// <summary>
    /// Moves the call from <paramref name="from"/> to <paramref name="to"/> in one conditional update, with its
    /// events (and, for a final state, the dialog's service message) in the same transaction; 409 when the call was
    /// no longer in that state (or does not exist). Inside a larger change (an account's deletion) it is a step of it.
    /// </summary>
    private Task<Result<CallView>> FinishAsync(Guid callId, CallStatus from, CallStatus to, string? reason, CancellationToken ct) => pipeline.RunAsync<CallView>(
        async () =>
        {
            var now = time.GetUtcNow();
            var final = to != CallStatus.Active;
            var moved = await db.Calls.Where(c => c.Id == callId && c.Status == from).ExecuteUpdateAsync(
                c => c.SetProperty(x => x.Status, to)
                    .SetProperty(x => x.AnsweredAt, x => to == CallStatus.Active ? now : x.AnsweredAt)
                    .SetProperty(x => x.EndedAt, x => final ? now : x.EndedAt)
                    .SetProperty(x => x.EndReason, x => final ? reason : x.EndReason),
                ct);
            if (moved == 0)
            {
                return Problem.Conflict("status", "The call changed meanwhile (answered, declined or ended elsewhere).");
            }

            var call = await db.Calls.AsNoTracking().FirstAsync(c => c.Id == callId, ct);
            var view = CallView.Of(call);
            events.ToUser(call.CallerId, Updated, view);
            events.ToUser(call.CalleeId, Updated, view);
            if (final)
            {
                await db.SaveChangesAsync(ct);
                await serviceMessages.RecordCallAsync(call.ChatId, call.CallerId, Summary(call), now, ct);
            }

            return view;
        },
        ct);
}
