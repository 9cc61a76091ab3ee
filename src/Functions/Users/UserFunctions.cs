using System.Text.Json;
using DistaHilar.Core.Auth;
using DistaHilar.Core.Common;
using DistaHilar.Core.Media;
using DistaHilar.Core.Users;
using DistaHilar.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace DistaHilar.Functions.Users;

public sealed class UserFunctions(UserService users, AuthService auth, AccountDeletion deletion)
{
    [Function("GetMe")]
    public async Task<Results<Ok<MyProfile>, ApiProblem>> GetMe(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "users/me")] HttpRequest request, FunctionContext context, CancellationToken ct) =>
        (await users.GetMeAsync(context.Caller(), ct)).OkOr();

    [Function("SetMyAvatar")]
    public async Task<Results<Ok<MyProfile>, ApiProblem>> SetAvatar(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "users/me/avatar")] HttpRequest request, FunctionContext context, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync<SetAvatarRequest>(request, ct);
        return (body.IsSuccess ? await users.SetAvatarAsync(context.Caller(), body.Value, ct) : body.Problem).OkOr();
    }

    [Function("RemoveMyAvatar")]
    public async Task<Results<NoContent, ApiProblem>> RemoveAvatar(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "users/me/avatar")] HttpRequest request, FunctionContext context, CancellationToken ct) =>
        (await users.SetAvatarAsync(context.Caller(), null, ct)).NoContentOr();

    [Function("UpdateMe")]
    public async Task<Results<Ok<MyProfile>, ApiProblem>> UpdateMe(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "users/me")] HttpRequest request, FunctionContext context, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync<Dictionary<string, JsonElement>>(request, ct);
        var patch = body.IsSuccess ? ProfilePatch.Parse(body.Value) : body.Problem;
        return (patch.IsSuccess ? await users.UpdateMeAsync(context.Caller(), patch.Value, ct) : patch.Problem).OkOr();
    }

    [Function("DeleteMe")]
    public async Task<Results<NoContent, ApiProblem>> DeleteMe(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "users/me")] HttpRequest request, FunctionContext context, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync<DeleteAccountRequest>(request, ct);
        return (body.IsSuccess ? await deletion.DeleteAsync(context.Caller(), body.Value, request.ClientInfo(), ct) : body.Problem).NoContentOr();
    }

    [Function("ChangePassword")]
    public async Task<Results<NoContent, ApiProblem>> ChangePassword(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "users/me/password")] HttpRequest request, FunctionContext context, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync<ChangePasswordRequest>(request, ct);
        return (body.IsSuccess ? await auth.ChangePasswordAsync(context.Caller(), body.Value, request.ClientInfo(), ct) : body.Problem).NoContentOr();
    }

    [Function("GetSettings")]
    public async Task<Results<Ok<UserSettings>, ApiProblem>> GetSettings(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "users/me/settings")] HttpRequest request, FunctionContext context, CancellationToken ct) =>
        (await users.GetSettingsAsync(context.Caller(), ct)).OkOr();

    [Function("UpdateSettings")]
    public async Task<Results<Ok<UserSettings>, ApiProblem>> UpdateSettings(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "users/me/settings")] HttpRequest request, FunctionContext context, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync<SettingsPatch>(request, ct);
        return (body.IsSuccess ? await users.UpdateSettingsAsync(context.Caller(), body.Value, ct) : body.Problem).OkOr();
    }

    /// <summary>"me" is excluded: the host matches routes in registration order without precedence, and it is GetMe's.</summary>
    [Function("GetUser")]
    public async Task<Results<Ok<PublicProfile>, ApiProblem>> GetUser(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "users/{userId:regex(^(?!me$))}")] HttpRequest request, Guid userId, FunctionContext context, CancellationToken ct) =>
        (await users.GetPublicAsync(context.Caller(), userId, ct)).OkOr();

    [Function("SearchUsers")]
    public async Task<Results<Ok<Page<PublicProfile>>, ApiProblem>> SearchUsers(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "users")] HttpRequest request, FunctionContext context, CancellationToken ct)
    {
        var page = request.Page();
        return (page.IsSuccess ? await users.SearchAsync(context.Caller(), request.Query["q"], page.Value, ct) : page.Problem).OkOr();
    }
}
