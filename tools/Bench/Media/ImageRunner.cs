using System.Diagnostics;
using System.Globalization;
using DistaHilar.Bench.Scenarios;
using Npgsql;

namespace DistaHilar.Bench.Media;

/// <summary>
/// media-image: how fast the worker's queue-triggered MediaProcessing turns 12-megapixel phone photos into their
/// served form (JPEG decoded at a reduced scale, re-encoded to ≤ 2560 px, a 320 px WebP thumbnail), and the worker's
/// peak memory meanwhile. Per level of N images: N uploads by the direct path (declare, PUT to storage), unmeasured
/// and not completed; then the N completes, 8 at a time, and the wait until every image is ready. An image's latency
/// is from just before its complete call to its <c>processed_at</c> (set by the worker as it finishes, read over the
/// stack's direct database connection, so polling adds nothing to it); throughput is N over the time from the first
/// complete to the last image's processed_at. Not a closed loop, so it has its own runner, like pgbench.
/// </summary>
internal sealed class ImageRunner(HttpClient client, BenchTarget target, BenchOptions options)
{
    public const string Name = "media-image";

    private const int Width = 4000;
    private const int Height = 3000;
    private const int Quality = 90;

    /// <summary>Per-channel noise amplitude of the test photo (see <see cref="TestPhoto"/>), tuned for a phone photo's size.</summary>
    private const int Noise = 24;

    /// <summary>Media__MaxImageBytes, the app's default (the bench does not override it).</summary>
    private const long MaxImageBytes = 10L * 1024 * 1024;

    /// <summary>Images processed before the first level, unmeasured: JIT, SkiaSharp's native library, pools.</summary>
    private const int WarmupImages = 2;

    private const int Parallelism = 8;

    public async Task<BenchReport> RunAsync(DateTime started, CancellationToken ct)
    {
        var database = target.DirectDatabase ?? throw new InvalidOperationException($"{Name} needs the stack the bench starts (run it without --url).");
        var storage = target.Storage!;
        var c = CultureInfo.InvariantCulture;

        var made = Stopwatch.GetTimestamp();
        var photo = TestPhoto.Jpeg(Width, Height, Quality, Noise);
        await Console.Error.WriteLineAsync($"Test photo: {Width}×{Height} JPEG q{Quality}, {photo.Length:N0} bytes, made in {Stopwatch.GetElapsedTime(made).TotalSeconds:0.0} s.");
        if (photo.Length > MaxImageBytes)
        {
            throw new InvalidOperationException($"The test photo has {photo.Length} bytes, more than the image limit {MaxImageBytes}: lower its noise.");
        }

        var user = (await BenchUsers.RegisterManyAsync(client, BenchUsers.NewRunPrefix() + "_m", 1, ct))[0];
        var notes = new Dictionary<string, string>
        {
            ["goal"] = "peak worker RSS ≤ 300 MiB while processing",
            ["columns"] = "conc = images completed at once (N); requests = images; req/s = images/s (first complete → last ready); latency = one image's complete call → ready (its processed_at)",
            ["photo"] = string.Create(c, $"{Width}×{Height} JPEG q{Quality} (SkiaSharp: gradients, shapes, blur, noise ±{Noise}), {photo.Length:N0} bytes ({photo.Length / 1024.0 / 1024.0:0.00} MiB)"),
            ["processing"] = $"Media__ImageConcurrency={Environment.GetEnvironmentVariable("Media__ImageConcurrency") ?? "default (half the cores, at least 1)"}, Media__MaxImageDimension=2560; host.json queues batchSize 16, maxPollingInterval 2 s",
        };

        // Warm-up: the first photo a worker processes pays for JIT and loading SkiaSharp; it is also the check of what comes out.
        var warm = await UploadAsync(user, photo, WarmupImages, ct);
        foreach (var id in warm)
        {
            Require(await MediaBench.CompleteAsync(client, user.AccessToken, id, ct), "warm-up complete");
        }

        var warmed = await WaitProcessedAsync(database, warm, TimeSpan.FromSeconds(120), ct);
        if (warmed.Count < warm.Length || warmed.Values.Any(r => r.Status != Ready))
        {
            throw new InvalidOperationException($"Warm-up: {warm.Length - warmed.Values.Count(r => r.Status == Ready)} of {warm.Length} images not ready: {warmed.Values.FirstOrDefault(r => r.Status != Ready)?.Reason ?? "timed out"}");
        }

        var sample = warmed.Values.First();
        notes["output"] = string.Create(c, $"{sample.Width}×{sample.Height} {sample.ContentType}, {sample.Size:N0} bytes, plus a 320 px WebP thumbnail");
        await MediaBench.SettleAsync(database, storage, TimeSpan.FromSeconds(60), ct);

        var levels = new List<LevelResult>();
        foreach (var count in options.Images)
        {
            await Console.Error.WriteLineAsync($"{count} image(s): uploading (unmeasured) ...");
            var uploading = Stopwatch.GetTimestamp();
            var ids = await UploadAsync(user, photo, count, ct);
            var uploaded = Stopwatch.GetElapsedTime(uploading);

            // The worker at rest with the level's uploads stored, for comparison with the peak.
            var before = target.ReadMemory();
            await Console.Error.WriteLineAsync($"{count} image(s): completing them all and waiting until every one is ready ...");
            target.ResetPeakMemory();
            var wall0 = DateTimeOffset.UtcNow;
            var t0 = Stopwatch.GetTimestamp();
            var completeAt = new long[count];
            var completed = new Outcome[count];
            await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct }, async (i, token) =>
            {
                completeAt[i] = Stopwatch.GetTimestamp();
                completed[i] = await MediaBench.CompleteAsync(client, user.AccessToken, ids[i], token);
            });
            var completes = Stopwatch.GetElapsedTime(t0);

            var timeout = TimeSpan.FromSeconds(60 + (10 * count));
            var processed = await WaitProcessedAsync(database, ids, timeout, ct);
            var memory = target.ReadMemory();

            var log = new WorkerLog(count);
            var last = t0;
            for (var i = 0; i < count; i++)
            {
                if (!completed[i].IsSuccess)
                {
                    log.Latencies.Add(0);
                    log.Fail(completeAt[i], completed[i].Error!);
                }
                else if (processed.TryGetValue(ids[i], out var result) && result.ProcessedAt is { } at)
                {
                    // processed_at is the worker's wall clock (the same machine's): placed on the bench's Stopwatch through wall0/t0.
                    var ready = t0 + (long)((at - wall0).TotalSeconds * Stopwatch.Frequency);
                    last = Math.Max(last, ready);
                    log.Latencies.Add(ready - completeAt[i]);
                    if (result.Status != Ready)
                    {
                        log.Fail(completeAt[i], $"media {ids[i]} failed: {result.Reason}");
                    }
                }
                else
                {
                    log.Latencies.Add(Stopwatch.GetTimestamp() - completeAt[i]);
                    log.Fail(completeAt[i], $"media {ids[i]} not processed within {timeout.TotalSeconds:0} s");
                }
            }

            var elapsed = Stopwatch.GetElapsedTime(t0, last == t0 ? Stopwatch.GetTimestamp() : last);
            var level = LevelResult.From(count, new Measurement([log], elapsed), memory);
            levels.Add(level);
            notes[string.Create(c, $"at {count}")] = string.Create(
                c,
                $"uploads (unmeasured) {uploaded.TotalSeconds:0.0} s; the {count} completes took {completes.TotalMilliseconds:0} ms; all ready {elapsed.TotalSeconds:0.00} s after the first complete; worker RSS before completing {Mib(before.CurrentMiB)} MiB");
            await Console.Error.WriteLineAsync($"{count} image(s): {level.ThroughputPerSecond:0.00} images/s, p50 {level.LatencyMs.P50:0} ms, peak RSS {Mib(memory.PeakMiB)} MiB.");
            await MediaBench.SettleAsync(database, storage, TimeSpan.FromSeconds(60), ct);
        }

        return new BenchReport(started, MachineInfo.Current, target.Api.AbsoluteUri, Name, target.OverriddenSettings, levels, notes);
    }

    private const short Ready = 2;

    private async Task<Guid[]> UploadAsync(RegisteredUser user, byte[] photo, int count, CancellationToken ct)
    {
        var ids = new Guid[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct }, async (i, token) =>
        {
            var (id, outcome) = await MediaBench.UploadUncompletedAsync(client, user.AccessToken, "image", string.Create(CultureInfo.InvariantCulture, $"IMG_{i:0000}.jpg"), "image/jpeg", photo, token);
            Require(outcome, "upload");
            ids[i] = id;
        });
        return ids;
    }

    private static void Require(Outcome outcome, string what)
    {
        if (!outcome.IsSuccess)
        {
            throw new InvalidOperationException($"Setup: {what}: {outcome.Error}");
        }
    }

    /// <summary>Polls the media rows every 100 ms until all of <paramref name="ids"/> are ready or failed, or the time is up.</summary>
    private static async Task<Dictionary<Guid, Processed>> WaitProcessedAsync(string database, Guid[] ids, TimeSpan timeout, CancellationToken ct)
    {
        var done = new Dictionary<Guid, Processed>();
        var started = Stopwatch.GetTimestamp();
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(ct);
        await using var query = new NpgsqlCommand(
            "SELECT id, status, processed_at, failure_reason, width, height, size, content_type FROM media WHERE id = ANY(@ids) AND status IN (2, 3)", connection);
        query.Parameters.AddWithValue("ids", ids);
        while (done.Count < ids.Length && Stopwatch.GetElapsedTime(started) < timeout)
        {
            await Task.Delay(100, ct);
            await using var reader = await query.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                done[reader.GetGuid(0)] = new Processed(
                    reader.GetInt16(1),
                    await reader.IsDBNullAsync(2, ct) ? null : reader.GetFieldValue<DateTimeOffset>(2),
                    await reader.IsDBNullAsync(3, ct) ? null : reader.GetString(3),
                    await reader.IsDBNullAsync(4, ct) ? null : reader.GetInt32(4),
                    await reader.IsDBNullAsync(5, ct) ? null : reader.GetInt32(5),
                    await reader.IsDBNullAsync(6, ct) ? null : reader.GetInt64(6),
                    await reader.IsDBNullAsync(7, ct) ? null : reader.GetString(7));
            }
        }

        return done;
    }

    private static string Mib(double? value) => value?.ToString("0.0", CultureInfo.InvariantCulture) ?? "-";

    private sealed record Processed(short Status, DateTimeOffset? ProcessedAt, string? Reason, int? Width, int? Height, long? Size, string? ContentType);
}
