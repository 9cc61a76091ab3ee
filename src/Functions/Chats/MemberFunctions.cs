using DistaHilar.Core.Chats;
using DistaHilar.Core.Common;
using DistaHilar.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace DistaHilar.Functions.Chats;

public sealed class MemberFunctions(MemberService members)
{
    [Function("ListMembers")]
    public async Task<Results<Ok<Page<MemberView>>, ApiProblem>> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "chats/{chatId}/members")] HttpRequest request, Guid chatId, FunctionContext context, CancellationToken ct)
    {
        var page = request.Page();
        return (page.IsSuccess ? await members.ListAsync(context.Caller(), chatId, page.Value, ct) : page.Problem).OkOr();
    }

    /// <summary>200 with the members actually added (ones already in are not repeated).</summary>
    [Function("AddMembers")]
    public async Task<Results<Ok<ItemList<MemberView>>, ApiProblem>> Add(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "chats/{chatId}/members")] HttpRequest request, Guid chatId, FunctionContext context, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync<AddMembersRequest>(request, ct);
        var result = body.IsSuccess ? await members.AddAsync(context.Caller(), chatId, body.Value, ct) : body.Problem;
        return result.IsSuccess ? TypedResults.Ok(new ItemList<MemberView>(result.Value)) : new ApiProblem(result.Problem);
    }

    [Function("ChangeMemberRole")]
    public async Task<Results<Ok<MemberView>, ApiProblem>> ChangeRole(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "chats/{chatId}/members/{userId}")] HttpRequest request, Guid chatId, Guid userId, FunctionContext context, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync<ChangeRoleRequest>(request, ct);
        return (body.IsSuccess ? await members.ChangeRoleAsync(context.Caller(), chatId, userId, body.Value, ct) : body.Problem).OkOr();
    }

    [Function("RemoveMember")]
    public async Task<Results<NoContent, ApiProblem>> Remove(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "chats/{chatId}/members/{userId}")] HttpRequest request, Guid chatId, Guid userId, FunctionContext context, CancellationToken ct) =>
        (await members.RemoveAsync(context.Caller(), chatId, userId, ct)).NoContentOr();

    /// <summary>Body <c>{until?}</c> is optional: without it the chat stays muted until unmuted.</summary>
    [Function("MuteChat")]
    public async Task<Results<NoContent, ApiProblem>> Mute(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "chats/{chatId}/mute")] HttpRequest request, Guid chatId, FunctionContext context, CancellationToken ct)
    {
        var body = await RequestBody.ReadOptionalAsync<MuteRequest>(request, ct);
        return (body.IsSuccess ? await members.MuteAsync(context.Caller(), chatId, body.Value ?? new MuteRequest(null), ct) : body.Problem).NoContentOr();
    }

    [Function("UnmuteChat")]
    public async Task<Results<NoContent, ApiProblem>> Unmute(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "chats/{chatId}/mute")] HttpRequest request, Guid chatId, FunctionContext context, CancellationToken ct) =>
        (await members.UnmuteAsync(context.Caller(), chatId, ct)).NoContentOr();
}
