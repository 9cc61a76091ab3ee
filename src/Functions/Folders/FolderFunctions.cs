using DistaHilar.Core.Common;
using DistaHilar.Core.Folders;
using DistaHilar.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace DistaHilar.Functions.Folders;

public sealed class FolderFunctions(FolderService folders)
{
    [Function("ListFolders")]
    public async Task<Ok<ItemList<FolderView>>> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "folders")] HttpRequest request, FunctionContext context, CancellationToken ct) =>
        TypedResults.Ok(new ItemList<FolderView>(await folders.ListAsync(context.Caller(), ct)));

    [Function("CreateFolder")]
    public async Task<Results<Created<FolderView>, ApiProblem>> Create(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "folders")] HttpRequest request, FunctionContext context, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync<CreateFolderRequest>(request, ct);
        var result = body.IsSuccess ? await folders.CreateAsync(context.Caller(), body.Value, ct) : body.Problem;
        return result.CreatedOr(folder => $"/api/folders/{folder.Id}");
    }

    [Function("UpdateFolder")]
    public async Task<Results<Ok<FolderView>, ApiProblem>> Update(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "folders/{folderId}")] HttpRequest request, Guid folderId, FunctionContext context, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync<UpdateFolderRequest>(request, ct);
        return (body.IsSuccess ? await folders.UpdateAsync(context.Caller(), folderId, body.Value, ct) : body.Problem).OkOr();
    }

    [Function("DeleteFolder")]
    public async Task<Results<NoContent, ApiProblem>> Delete(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "folders/{folderId}")] HttpRequest request, Guid folderId, FunctionContext context, CancellationToken ct) =>
        (await folders.DeleteAsync(context.Caller(), folderId, ct)).NoContentOr();

    [Function("AddChatToFolder")]
    public async Task<Results<NoContent, ApiProblem>> AddChat(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "folders/{folderId}/chats/{chatId}")] HttpRequest request, Guid folderId, Guid chatId, FunctionContext context, CancellationToken ct) =>
        (await folders.AddChatAsync(context.Caller(), folderId, chatId, ct)).NoContentOr();

    [Function("RemoveChatFromFolder")]
    public async Task<Results<NoContent, ApiProblem>> RemoveChat(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "folders/{folderId}/chats/{chatId}")] HttpRequest request, Guid folderId, Guid chatId, FunctionContext context, CancellationToken ct) =>
        (await folders.RemoveChatAsync(context.Caller(), folderId, chatId, ct)).NoContentOr();
}
