using DistaHilar.Core.Chats;
using DistaHilar.Core.Common;
using DistaHilar.Core.Data;
using DistaHilar.Core.Media;
using DistaHilar.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace DistaHilar.Functions.Chats;

public sealed class ChatFunctions(ChatService chats, ChatList list, ChatSearch search)
{
    /// <summary>My chats, newest activity first; <c>?folderId=</c> limits it to one of my folders.</summary>
    [Function("ListChats")]
    public async Task<Results<Ok<Page<ChatListItem>>, ApiProblem>> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "chats")] HttpRequest request, FunctionContext context, CancellationToken ct)
    {
        var page = request.Page();
        if (!page.IsSuccess)
        {
            return new ApiProblem(page.Problem);
        }

        var folder = request.Query["folderId"].ToString();
        Guid? folderId = null;
        if (folder.Length > 0)
        {
            if (!Guid.TryParse(folder, out var parsed))
            {
                return new ApiProblem(Problem.Validation("folderId", "Must be a folder id."));
            }

            folderId = parsed;
        }

        return (await list.ListAsync(context.Caller(), folderId, page.Value, ct)).OkOr();
    }

    /// <summary>My chats, public groups and channels, and users matching <c>?q=</c>, up to <c>?limit=</c> each.</summary>
    [Function("SearchChats")]
    public async Task<Results<Ok<ChatSearchResult>, ApiProblem>> Search(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "chats/search")] HttpRequest request, FunctionContext context, CancellationToken ct) =>
        (await search.SearchAsync(context.Caller(), request.Query["q"], request.Query["limit"], ct)).OkOr();

    /// <summary>201 with a new dialog, 200 with the one that already exists.</summary>
    [Function("CreateDialog")]
    public async Task<Results<Created<ChatView>, Ok<ChatView>, ApiProblem>> CreateDialog(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "chats/dialogs")] HttpRequest request, FunctionContext context, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync<CreateDialogRequest>(request, ct);
        var result = body.IsSuccess ? await chats.CreateDialogAsync(context.Caller(), body.Value, ct) : body.Problem;
        return result.CreatedOrOk(chat => $"/api/chats/{chat.Id}");
    }

    [Function("CreateGroup")]
    public Task<Results<Created<ChatView>, ApiProblem>> CreateGroup(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "chats/groups")] HttpRequest request, FunctionContext context, CancellationToken ct) =>
        CreateAsync(request, context, ChatType.Group, ct);

    [Function("CreateChannel")]
    public Task<Results<Created<ChatView>, ApiProblem>> CreateChannel(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "chats/channels")] HttpRequest request, FunctionContext context, CancellationToken ct) =>
        CreateAsync(request, context, ChatType.Channel, ct);

    /// <summary>
    /// Any id reaches the function (a bad one is a 404 problem, RouteInputMiddleware); "search" is excluded because the
    /// Functions host matches routes in registration order without precedence, and it belongs to SearchChats.
    /// </summary>
    [Function("GetChat")]
    public async Task<Results<Ok<ChatView>, ApiProblem>> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "chats/{chatId:regex(^(?!search$))}")] HttpRequest request, Guid chatId, FunctionContext context, CancellationToken ct) =>
        (await chats.GetAsync(context.Caller(), chatId, ct)).OkOr();

    [Function("SetChatAvatar")]
    public async Task<Results<Ok<ChatView>, ApiProblem>> SetAvatar(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "chats/{chatId}/avatar")] HttpRequest request, Guid chatId, FunctionContext context, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync<SetAvatarRequest>(request, ct);
        return (body.IsSuccess ? await chats.SetAvatarAsync(context.Caller(), chatId, body.Value, ct) : body.Problem).OkOr();
    }

    [Function("RemoveChatAvatar")]
    public async Task<Results<NoContent, ApiProblem>> RemoveAvatar(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "chats/{chatId}/avatar")] HttpRequest request, Guid chatId, FunctionContext context, CancellationToken ct) =>
        (await chats.SetAvatarAsync(context.Caller(), chatId, null, ct)).NoContentOr();

    [Function("UpdateChat")]
    public async Task<Results<Ok<ChatView>, ApiProblem>> Update(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "chats/{chatId}")] HttpRequest request, Guid chatId, FunctionContext context, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync<UpdateChatRequest>(request, ct);
        return (body.IsSuccess ? await chats.UpdateAsync(context.Caller(), chatId, body.Value, ct) : body.Problem).OkOr();
    }

    /// <summary><c>?forEveryone=true|false</c> (dialogs; default false hides it for me).</summary>
    [Function("DeleteChat")]
    public async Task<Results<NoContent, ApiProblem>> Delete(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "chats/{chatId}")] HttpRequest request, Guid chatId, FunctionContext context, CancellationToken ct)
    {
        var forEveryone = request.Query["forEveryone"].ToString() switch
        {
            "" or "false" => false,
            "true" => true,
            _ => (bool?)null,
        };
        return forEveryone is null
            ? new ApiProblem(Problem.Validation("forEveryone", "Must be true or false."))
            : (await chats.DeleteAsync(context.Caller(), chatId, forEveryone.Value, ct)).NoContentOr();
    }

    [Function("LeaveChat")]
    public async Task<Results<NoContent, ApiProblem>> Leave(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "chats/{chatId}/leave")] HttpRequest request, Guid chatId, FunctionContext context, CancellationToken ct) =>
        (await chats.LeaveAsync(context.Caller(), chatId, ct)).NoContentOr();

    [Function("RotateInviteLink")]
    public async Task<Results<Ok<InviteLinkView>, ApiProblem>> RotateInviteLink(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "chats/{chatId}/invite-link")] HttpRequest request, Guid chatId, FunctionContext context, CancellationToken ct) =>
        (await chats.RotateInviteLinkAsync(context.Caller(), chatId, ct)).OkOr();

    /// <summary>200 with the chat, also for a member who joins again.</summary>
    [Function("JoinByInvite")]
    public async Task<Results<Ok<ChatView>, ApiProblem>> JoinByInvite(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "chats/join/{inviteCode}")] HttpRequest request, string inviteCode, FunctionContext context, CancellationToken ct) =>
        Joined(await chats.JoinByInviteAsync(context.Caller(), inviteCode, ct));

    [Function("JoinPublicChat")]
    public async Task<Results<Ok<ChatView>, ApiProblem>> JoinPublic(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "chats/{chatId}/join")] HttpRequest request, Guid chatId, FunctionContext context, CancellationToken ct) =>
        Joined(await chats.JoinPublicAsync(context.Caller(), chatId, ct));

    private static Results<Ok<ChatView>, ApiProblem> Joined(Result<(ChatView Chat, bool Joined)> result) =>
        result.IsSuccess ? TypedResults.Ok(result.Value.Chat) : new ApiProblem(result.Problem);

    private async Task<Results<Created<ChatView>, ApiProblem>> CreateAsync(HttpRequest request, FunctionContext context, ChatType type, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync<CreateChatRequest>(request, ct);
        var result = body.IsSuccess ? await chats.CreateAsync(context.Caller(), type, body.Value, ct) : body.Problem;
        return result.CreatedOr(chat => $"/api/chats/{chat.Id}");
    }
}
