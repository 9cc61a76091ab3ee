using DistaHilar.Core.Common;
using DistaHilar.Core.Messages;
using DistaHilar.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace DistaHilar.Functions.Messages;

public sealed class MessageFunctions(MessageService messages, MessageEdits edits, MessageForwards forwards, ReactionService reactions)
{
    /// <summary>201 with the new message; 200 with the original for a clientMessageId already used.</summary>
    [Function("SendMessage")]
    public async Task<Results<Created<MessageView>, Ok<MessageView>, ApiProblem>> Send(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "chats/{chatId}/messages")] HttpRequest request, Guid chatId, FunctionContext context, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync<SendMessageRequest>(request, ct);
        var result = body.IsSuccess ? await messages.SendAsync(context.Caller(), chatId, body.Value, ct) : body.Problem;
        return result.CreatedOrOk(message => $"/api/chats/{chatId}/messages/{message.Id}");
    }

    /// <summary>201 with the copies in their original order; 200 with the first forward's copies for a clientMessageId already used.</summary>
    [Function("ForwardMessages")]
    public async Task<Results<Created<ItemList<MessageView>>, Ok<ItemList<MessageView>>, ApiProblem>> Forward(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "chats/{chatId}/messages/forward")] HttpRequest request, Guid chatId, FunctionContext context, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync<ForwardMessagesRequest>(request, ct);
        var result = body.IsSuccess ? await forwards.ForwardAsync(context.Caller(), chatId, body.Value, ct) : body.Problem;
        Result<(ItemList<MessageView>, bool)> list = result.IsSuccess ? (new ItemList<MessageView>(result.Value.Messages), result.Value.Created) : result.Problem;
        return list.CreatedOrOk(_ => $"/api/chats/{chatId}/messages");
    }

    /// <summary>Newest first; <c>?before=</c>, <c>?after=</c> or <c>?around=</c> a message id, or <c>?cursor=</c>, and <c>?limit=</c>.</summary>
    [Function("ListMessages")]
    public async Task<Results<Ok<Page<MessageView>>, ApiProblem>> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "chats/{chatId}/messages")] HttpRequest request, Guid chatId, FunctionContext context, CancellationToken ct)
    {
        var page = request.Page();
        var anchors = new Dictionary<string, Guid?>();
        var v = new Validator();
        foreach (var name in new[] { "before", "after", "around" })
        {
            var text = request.Query[name].ToString();
            anchors[name] = text.Length == 0 ? null : Guid.TryParse(text, out var id) ? id : null;
            v.Check(text.Length == 0 || anchors[name] is not null, name, "Must be a message id.");
        }

        var problem = page.IsSuccess ? v.ToProblem() : page.Problem;
        if (problem is not null)
        {
            return new ApiProblem(problem);
        }

        return (await messages.HistoryAsync(context.Caller(), chatId, anchors["before"], anchors["after"], anchors["around"], page.Value!, ct)).OkOr();
    }

    /// <summary>Moves my read pointer forward (never back); answers where it is and what is still unread.</summary>
    [Function("ReadChat")]
    public async Task<Results<Ok<ReadState>, ApiProblem>> Read(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "chats/{chatId}/read")] HttpRequest request, Guid chatId, FunctionContext context, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync<ReadRequest>(request, ct);
        return (body.IsSuccess ? await messages.ReadAsync(context.Caller(), chatId, body.Value, ct) : body.Problem).OkOr();
    }

    [Function("EditMessage")]
    public async Task<Results<Ok<MessageView>, ApiProblem>> Edit(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "chats/{chatId}/messages/{messageId}")] HttpRequest request, Guid chatId, Guid messageId, FunctionContext context, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync<EditMessageRequest>(request, ct);
        return (body.IsSuccess ? await edits.EditAsync(context.Caller(), chatId, messageId, body.Value, ct) : body.Problem).OkOr();
    }

    /// <summary><c>{messageIds, forEveryone}</c>: all of them or none.</summary>
    [Function("DeleteMessages")]
    public async Task<Results<NoContent, ApiProblem>> Delete(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "chats/{chatId}/messages/delete")] HttpRequest request, Guid chatId, FunctionContext context, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync<DeleteMessagesRequest>(request, ct);
        return (body.IsSuccess ? await edits.DeleteAsync(context.Caller(), chatId, body.Value, ct) : body.Problem).NoContentOr();
    }

    [Function("PinMessage")]
    public async Task<Results<NoContent, ApiProblem>> Pin(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "chats/{chatId}/messages/{messageId}/pin")] HttpRequest request, Guid chatId, Guid messageId, FunctionContext context, CancellationToken ct) =>
        (await edits.PinAsync(context.Caller(), chatId, messageId, pinned: true, ct)).NoContentOr();

    [Function("UnpinMessage")]
    public async Task<Results<NoContent, ApiProblem>> Unpin(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "chats/{chatId}/messages/{messageId}/pin")] HttpRequest request, Guid chatId, Guid messageId, FunctionContext context, CancellationToken ct) =>
        (await edits.PinAsync(context.Caller(), chatId, messageId, pinned: false, ct)).NoContentOr();

    /// <summary>Sets my reaction (one per message; a new emoji replaces mine); answers the message's reactions.</summary>
    [Function("SetReaction")]
    public async Task<Results<Ok<ItemList<ReactionCount>>, ApiProblem>> React(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "chats/{chatId}/messages/{messageId}/reactions")] HttpRequest request, Guid chatId, Guid messageId, FunctionContext context, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync<ReactionRequest>(request, ct);
        var result = body.IsSuccess ? await reactions.SetAsync(context.Caller(), chatId, messageId, body.Value, ct) : body.Problem;
        return result.IsSuccess ? TypedResults.Ok(new ItemList<ReactionCount>(result.Value)) : new ApiProblem(result.Problem);
    }

    [Function("RemoveReaction")]
    public async Task<Results<NoContent, ApiProblem>> Unreact(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "chats/{chatId}/messages/{messageId}/reactions")] HttpRequest request, Guid chatId, Guid messageId, FunctionContext context, CancellationToken ct) =>
        (await reactions.RemoveAsync(context.Caller(), chatId, messageId, ct)).NoContentOr();

    /// <summary>Who reacted, earliest first; <c>?emoji=</c> narrows it to one.</summary>
    [Function("ListReactions")]
    public async Task<Results<Ok<Page<ReactorView>>, ApiProblem>> Reactors(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "chats/{chatId}/messages/{messageId}/reactions")] HttpRequest request, Guid chatId, Guid messageId, FunctionContext context, CancellationToken ct)
    {
        var page = request.Page();
        return (page.IsSuccess ? await reactions.ListAsync(context.Caller(), chatId, messageId, request.Query["emoji"], page.Value, ct) : page.Problem).OkOr();
    }
}
