using System.Security.Cryptography;
using DistaHilar.Core.Common;
using DistaHilar.Core.Data;
using DistaHilar.Core.Pipeline;
using DistaHilar.Core.RateLimiting;
using DistaHilar.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DistaHilar.Core.Media;

/// <summary>
/// Direct uploads: the client declares a file and gets a write-only URL for it, uploads to storage, then says it is
/// complete, which checks what arrived and queues processing (<see cref="Queue"/>, <see cref="MediaProcessor"/>).
/// </summary>
public sealed class MediaService(DistaHilarDbContext db, AvatarImages avatars, WritePipeline pipeline, IMediaStore store, QueueSender queues, UserLimits limits, IOptions<MediaOptions> options, TimeProvider time)
{
    public const string Queue = "media-processing";

    public async Task<Result<UploadTarget>> CreateUploadAsync(Caller caller, CreateUploadRequest request, CancellationToken ct)
    {
        if (request.Validate() is { } invalid)
        {
            return invalid;
        }

        var kind = MediaRules.ParseKind(request.Kind)!.Value;
        if (MediaRules.KindMismatch(kind, request.ContentType!) is { } mismatch)
        {
            return mismatch;
        }

        var limit = options.Value.MaxBytes(kind);
        if (request.Size > limit)
        {
            return Problem.TooLarge($"A {kind.Name()} may be at most {limit} bytes.");
        }

        if (limits.Check(UserAction.Upload, caller.UserId) is { } limited)
        {
            return limited;
        }

        var media = NewMedia(caller, kind, NewStorageKey(), request, request.Size!.Value, time.GetUtcNow());
        var upload = await store.DirectUploadAsync(media.StorageKey, media.DeclaredContentType, ct);
        if (await AddWithinQuotaAsync(media, ct) is { } full)
        {
            return full;
        }

        return new UploadTarget(media.Id, upload.Url, upload.Method, upload.Headers, upload.Fields, upload.ExpiresAt);
    }

    /// <summary>
    /// Checks the upload arrived and fits the limit, then queues processing, once: a second call (a retry) changes
    /// nothing and answers the same.
    /// </summary>
    public async Task<Result<MediaView>> CompleteAsync(Caller caller, Guid mediaId, CancellationToken ct)
    {
        var media = await db.Media.FirstOrDefaultAsync(m => m.Id == mediaId && m.OwnerId == caller.UserId, ct);
        if (media is null)
        {
            return Problem.NotFound("The upload");
        }

        if (media.CompletedAt is not null)
        {
            return await ViewAsync(media, ct);
        }

        var size = await store.SizeAsync(media.StorageKey, ct);
        if (size is null)
        {
            return Problem.Unprocessable("Nothing has been uploaded to the upload URL yet.");
        }

        var now = time.GetUtcNow();
        var limit = options.Value.MaxBytes(media.Kind);
        if (size > limit)
        {
            await store.DeleteAsync(media.StorageKey, ct);
            await db.Media.Where(m => m.Id == mediaId && m.CompletedAt == null)
                .ExecuteUpdateAsync(m => m.SetProperty(x => x.Status, MediaStatus.Failed).SetProperty(x => x.FailureReason, "Too large.").SetProperty(x => x.CompletedAt, now), ct);
            return Problem.TooLarge($"A {media.Kind.Name()} may be at most {limit} bytes.");
        }

        // One winner among concurrent completes: only the call that sets completed_at queues the job.
        var won = await db.Media.Where(m => m.Id == mediaId && m.CompletedAt == null)
            .ExecuteUpdateAsync(m => m.SetProperty(x => x.CompletedAt, now).SetProperty(x => x.Size, size), ct);
        if (won == 1)
        {
            await EnqueueOrUndoAsync(mediaId, () => db.Media.Where(m => m.Id == mediaId).ExecuteUpdateAsync(m => m.SetProperty(x => x.CompletedAt, (DateTimeOffset?)null), CancellationToken.None), ct);
        }

        return await ViewAsync(await db.Media.AsNoTracking().FirstAsync(m => m.Id == mediaId, ct), ct);
    }

    /// <summary>
    /// <c>POST /api/media</c>: a small file through the API, streamed to storage as it arrives (counted, never
    /// buffered whole) and cut off at the limit. Nothing is recorded unless the whole file was stored; then it is
    /// complete at once and queued for processing.
    /// </summary>
    /// <param name="declared">
    /// Name, type and kind from the multipart part; its size is not known before the bytes are. Without a kind, the
    /// file's first bytes are sniffed to infer it (<see cref="MediaRules.Infer"/>).
    /// </param>
    public async Task<Result<MediaView>> UploadAsync(Caller caller, CreateUploadRequest declared, Stream content, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(declared);
        if (string.IsNullOrEmpty(declared.Kind))
        {
            var head = new byte[TypeSniffer.HeadLength];
            var length = await content.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct);
            var (inferred, contentType) = MediaRules.Infer(declared.ContentType, TypeSniffer.Sniff(head.AsSpan(0, length)));
            declared = declared with { Kind = inferred.Name(), ContentType = contentType };
            content = new HeadReplayStream(head.AsMemory(0, length), content);
        }

        if (declared.Validate(sizeKnown: false) is { } invalid)
        {
            return invalid;
        }

        var kind = MediaRules.ParseKind(declared.Kind)!.Value;
        if (MediaRules.KindMismatch(kind, declared.ContentType!) is { } mismatch)
        {
            return mismatch;
        }
        var limit = Math.Min(options.Value.MaxBytes(kind), options.Value.MaxApiUploadBytes);
        var tooLarge = Problem.TooLarge($"Through the API a {kind.Name()} may be at most {limit} bytes; larger files go through POST /api/media/uploads.");
        if (declared.Size > limit)
        {
            return tooLarge;
        }

        if (limits.Check(UserAction.Upload, caller.UserId) is { } limited)
        {
            return limited;
        }

        // A quick look before any bytes are stored; the real check is at the insert, with the size that arrived.
        var used = await UsedBytesAsync(caller.UserId, ct);
        if (used + (declared.Size ?? 1) > options.Value.StorageQuotaBytes)
        {
            return QuotaFull(used);
        }

        var key = NewStorageKey();
        await using var counted = new LimitedReadStream(content, limit);
        try
        {
            await store.WriteAsync(key, counted, declared.ContentType!, ct);
        }
        catch (Exception) when (counted.LimitExceeded)
        {
            await store.DeleteAsync(key, CancellationToken.None);
            return tooLarge;
        }
        catch (Exception) when (counted.SourceFailed && !ct.IsCancellationRequested)
        {
            // The body broke off before the file part ended (or is not well-formed multipart): the client's 400.
            await store.DeleteAsync(key, CancellationToken.None);
            return Problem.Validation("file", "The file part ended before its closing boundary: the multipart body is malformed or cut off.");
        }

        if (counted.BytesRead == 0)
        {
            await store.DeleteAsync(key, CancellationToken.None);
            return Problem.Validation("file", "The file is empty.");
        }

        var now = time.GetUtcNow();
        var media = NewMedia(caller, kind, key, declared, counted.BytesRead, now);
        media.CompletedAt = now;
        media.Size = counted.BytesRead;
        if (await AddWithinQuotaAsync(media, ct) is { } full)
        {
            await store.DeleteAsync(key, CancellationToken.None);
            return full;
        }

        await EnqueueOrUndoAsync(
            media.Id,
            async () =>
            {
                await db.Media.Where(m => m.Id == media.Id).ExecuteDeleteAsync(CancellationToken.None);
                await store.DeleteAsync(key, CancellationToken.None);
            },
            ct);
        return await ViewAsync(media, ct);
    }

    /// <summary>
    /// The uploader sees their media; anyone else only through a live message that uses it, in a chat they are a member
    /// of or may preview (a public group or channel). To everyone else the media do not exist (404).
    /// </summary>
    public async Task<Result<MediaView>> GetAsync(Caller caller, Guid mediaId, CancellationToken ct)
    {
        var me = caller.UserId;
        var media = await db.Media.AsNoTracking().FirstOrDefaultAsync(
            m => m.Id == mediaId
                && (m.OwnerId == me
                    || db.MessageMedia.Any(a => a.MediaId == m.Id && db.Messages.Any(message => message.Id == a.MessageId && message.DeletedAt == null
                        && (db.ChatMembers.Any(cm => cm.ChatId == message.ChatId && cm.UserId == me)
                            || db.Chats.Any(c => c.Id == message.ChatId && c.IsPublic && c.Type != ChatType.Dialog))))),
            ct);
        return media is null ? Problem.NotFound("The media") : await ViewAsync(media, ct);
    }

    /// <summary>Where a public avatar link points now (<see cref="AvatarImages"/>).</summary>
    public Task<Result<Uri>> AvatarAsync(string key, bool full, CancellationToken ct) => avatars.ResolveAsync(key, full, ct);

    /// <summary>
    /// Records <paramref name="media"/> if its owner's media with it stay within the storage quota, else a 413 and
    /// nothing is written. The owner's row is locked first, so two uploads at once cannot both squeeze under it (a
    /// statement after the lock sees every upload committed before it). Not a hot path: four round trips.
    /// </summary>
    private async Task<Problem?> AddWithinQuotaAsync(MediaAsset media, CancellationToken ct)
    {
        var added = await pipeline.RunAsync<Done>(
            async () =>
            {
                // NO KEY UPDATE: does not block inserts that reference the user (their foreign-key checks take KEY SHARE).
                await db.Database.ExecuteSqlAsync($"SELECT 1 FROM users WHERE id = {media.OwnerId} FOR NO KEY UPDATE", ct);
                var used = await UsedBytesAsync(media.OwnerId, ct);
                if (used + (media.Size ?? media.DeclaredSize) > options.Value.StorageQuotaBytes)
                {
                    return QuotaFull(used);
                }

                db.Media.Add(media);
                return Done.Value;
            },
            ct);
        return added.Problem;
    }

    /// <summary>What counts against the quota: every upload not failed (and not yet removed), incomplete ones at their declared size.</summary>
    private Task<long> UsedBytesAsync(Guid ownerId, CancellationToken ct) =>
        db.Media.Where(m => m.OwnerId == ownerId && m.Status != MediaStatus.Failed).SumAsync(m => m.Size ?? m.DeclaredSize, ct);

    private Problem QuotaFull(long used) => Problem.TooLarge(
        $"Your media storage is full ({used} of {options.Value.StorageQuotaBytes} bytes used): delete messages with media you no longer need, then upload again.");

    private Task<MediaView> ViewAsync(MediaAsset media, CancellationToken ct) => MediaViews.ViewAsync(store, media, ct);

    /// <summary>Random, unrelated to the id: storage URLs cannot be guessed from anything a client sees.</summary>
    private static string NewStorageKey() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private MediaAsset NewMedia(Caller caller, MediaKind kind, string key, CreateUploadRequest declared, long declaredSize, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        OwnerId = caller.UserId,
        Kind = kind,
        Status = MediaStatus.Pending,
        StorageKey = key,
        FileName = MediaRules.SafeFileName(declared.FileName!),
        DeclaredContentType = declared.ContentType!,
        DeclaredSize = declaredSize,
        CreatedAt = now,
        RemovableAfter = now + options.Value.UnattachedLifetime,
    };

    /// <summary>
    /// Queues processing; if the queue cannot be reached the completion is undone, so the client's retry queues it
    /// (a completed upload that never got a job would stay pending for ever).
    /// </summary>
    private async Task EnqueueOrUndoAsync(Guid mediaId, Func<Task> undo, CancellationToken ct)
    {
        try
        {
            await queues.SendAsync(Queue, new MediaJob(mediaId), ct);
        }
        catch
        {
            await undo();
            throw;
        }
    }
}
