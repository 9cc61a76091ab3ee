using DistaHilar.Core.LiveRooms;
using DistaHilar.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace DistaHilar.Functions.LiveRooms;

public sealed class LiveRoomFunctions(LiveRoomService rooms)
{
    [Function("GetLiveRoom")]
    public async Task<Results<Ok<LiveState>, ApiProblem>> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "chats/{chatId}/live")] HttpRequest request, Guid chatId, FunctionContext context, CancellationToken ct) =>
        (await rooms.GetAsync(context.Caller(), chatId, ct)).OkOr();

    [Function("StartLiveRoom")]
    public async Task<Results<Created<LiveState>, ApiProblem>> Start(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "chats/{chatId}/live")] HttpRequest request, Guid chatId, FunctionContext context, CancellationToken ct) =>
        (await rooms.StartAsync(context.Caller(), chatId, ct)).CreatedOr(state => $"/api/chats/{state.ChatId}/live");

    [Function("StopLiveRoom")]
    public async Task<Results<NoContent, ApiProblem>> Stop(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "chats/{chatId}/live")] HttpRequest request, Guid chatId, FunctionContext context, CancellationToken ct) =>
        (await rooms.StopAsync(context.Caller(), chatId, ct)).NoContentOr();

    [Function("JoinLiveRoom")]
    public async Task<Results<Ok<LiveState>, ApiProblem>> Join(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "chats/{chatId}/live/join")] HttpRequest request, Guid chatId, FunctionContext context, CancellationToken ct) =>
        (await rooms.JoinAsync(context.Caller(), chatId, ct)).OkOr();

    [Function("LeaveLiveRoom")]
    public async Task<Results<Ok<LiveState>, ApiProblem>> Leave(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "chats/{chatId}/live/leave")] HttpRequest request, Guid chatId, FunctionContext context, CancellationToken ct) =>
        (await rooms.LeaveAsync(context.Caller(), chatId, ct)).OkOr();

    /// <summary>No body raises my hand; <c>{"raised": false}</c> lowers it.</summary>
    [Function("RaiseHand")]
    public async Task<Results<Ok<LiveState>, ApiProblem>> RaiseHand(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "chats/{chatId}/live/raise-hand")] HttpRequest request, Guid chatId, FunctionContext context, CancellationToken ct)
    {
        var raised = true;
        if (request.ContentLength > 0 || request.ContentType is not null)
        {
            var body = await RequestBody.ReadAsync<RaiseHandRequest>(request, ct);
            if (!body.IsSuccess)
            {
                return new ApiProblem(body.Problem);
            }

            raised = body.Value.Raised ?? true;
        }

        return (await rooms.RaiseHandAsync(context.Caller(), chatId, raised, ct)).OkOr();
    }

    [Function("ApproveSpeaker")]
    public async Task<Results<Ok<LiveState>, ApiProblem>> ApproveSpeaker(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "chats/{chatId}/live/speakers/{userId}")] HttpRequest request, Guid chatId, Guid userId, FunctionContext context, CancellationToken ct) =>
        (await rooms.SetSpeakerAsync(context.Caller(), chatId, userId, speaker: true, ct)).OkOr();

    [Function("RevokeSpeaker")]
    public async Task<Results<Ok<LiveState>, ApiProblem>> RevokeSpeaker(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "chats/{chatId}/live/speakers/{userId}")] HttpRequest request, Guid chatId, Guid userId, FunctionContext context, CancellationToken ct) =>
        (await rooms.SetSpeakerAsync(context.Caller(), chatId, userId, speaker: false, ct)).OkOr();

    [Function("MuteParticipant")]
    public async Task<Results<Ok<LiveState>, ApiProblem>> Mute(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "chats/{chatId}/live/participants/{userId}/mute")] HttpRequest request, Guid chatId, Guid userId, FunctionContext context, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync<MuteRequest>(request, ct);
        return (body.IsSuccess ? await rooms.MuteAsync(context.Caller(), chatId, userId, body.Value, ct) : body.Problem).OkOr();
    }
}
