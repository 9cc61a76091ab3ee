using DistaHilar.Core.Common;
using DistaHilar.Core.Messages;
using DistaHilar.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace DistaHilar.Functions.Messages;

public sealed class MessageSearchFunctions(MessageSearch search)
{
    [Function("SearchChatMessages")]
    public async Task<Results<Ok<Page<MessageView>>, ApiProblem>> InChat(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "chats/{chatId}/messages/search")] HttpRequest request, Guid chatId, FunctionContext context, CancellationToken ct)
    {
        var page = request.Page();
        return (page.IsSuccess ? await search.InChatAsync(context.Caller(), chatId, request.Query["q"], page.Value, ct) : page.Problem).OkOr();
    }

    [Function("SearchMessages")]
    public async Task<Results<Ok<Page<MessageView>>, ApiProblem>> InMyChats(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "messages/search")] HttpRequest request, FunctionContext context, CancellationToken ct)
    {
        var page = request.Page();
        return (page.IsSuccess ? await search.InMyChatsAsync(context.Caller(), request.Query["q"], page.Value, ct) : page.Problem).OkOr();
    }
}
