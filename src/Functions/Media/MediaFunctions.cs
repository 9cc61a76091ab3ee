using DistaHilar.Core.Media;
using DistaHilar.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace DistaHilar.Functions.Media;

public sealed class MediaFunctions(MediaService media)
{
    /// <summary>201 with a write-only URL for one direct upload to storage.</summary>
    [Function("CreateUpload")]
    public async Task<Results<Created<UploadTarget>, ApiProblem>> CreateUpload(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "media/uploads")] HttpRequest request, FunctionContext context, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync<CreateUploadRequest>(request, ct);
        var result = body.IsSuccess ? await media.CreateUploadAsync(context.Caller(), body.Value, ct) : body.Problem;
        return result.CreatedOr(target => $"/api/media/{target.MediaId}");
    }

    /// <summary>202: the upload is checked and queued for processing (again: the same answer, nothing queued twice).</summary>
    [Function("CompleteUpload")]
    public async Task<Results<Accepted<MediaView>, ApiProblem>> CompleteUpload(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "media/uploads/{mediaId}/complete")] HttpRequest request, Guid mediaId, FunctionContext context, CancellationToken ct) =>
        (await media.CompleteAsync(context.Caller(), mediaId, ct)).AcceptedOr(view => $"/api/media/{view.Id}");

    /// <summary>202: a small file streamed through the API to storage and queued for processing.</summary>
    [Function("UploadMedia")]
    public async Task<Results<Accepted<MediaView>, ApiProblem>> Upload(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "media")] HttpRequest request, FunctionContext context, CancellationToken ct) =>
        (await MultipartUpload.ReadAsync(request, (declared, file) => media.UploadAsync(context.Caller(), declared, file, ct), ct)).AcceptedOr(view => $"/api/media/{view.Id}");

    [Function("GetMedia")]
    public async Task<Results<Ok<MediaView>, ApiProblem>> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "media/{mediaId}")] HttpRequest request, Guid mediaId, FunctionContext context, CancellationToken ct) =>
        (await media.GetAsync(context.Caller(), mediaId, ct)).OkOr();

    /// <summary>
    /// Anonymous (avatars are public): 302 to a short-lived read URL of the avatar's 320 px thumbnail, or of the image
    /// with <c>?size=full</c>; 404 for anything that is not currently someone's avatar.
    /// </summary>
    [Function("GetAvatar")]
    public async Task<IResult> GetAvatar(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "avatars/{key}")] HttpRequest request, string key, CancellationToken ct)
    {
        var target = await media.AvatarAsync(key, string.Equals(request.Query["size"], "full", StringComparison.Ordinal), ct);
        if (!target.IsSuccess)
        {
            return new ApiProblem(target.Problem);
        }

        // Cached for less than the read URL lives, so a cached redirect never points at an expired URL.
        request.HttpContext.Response.Headers.CacheControl = "public, max-age=300";
        return TypedResults.Redirect(target.Value.AbsoluteUri);
    }
}
