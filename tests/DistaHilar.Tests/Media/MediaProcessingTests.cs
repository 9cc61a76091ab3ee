using System.Net;
using DistaHilar.Core.Media;
using DistaHilar.Tests.Accounts;
using DistaHilar.Tests.Chats;
using DistaHilar.Tests.Infrastructure;
using DistaHilar.Tests.Realtime;
using Npgsql;
using SkiaSharp;

namespace DistaHilar.Tests.Media;

/// <summary>
/// The media-processing queue under the real worker (the realtime test app runs its queue triggers), Azurite and
/// Debian's ffmpeg, with media the tests generate.
/// </summary>
public sealed class MediaProcessingTests(TestEnvironment env)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_photo_is_turned_upright_stripped_of_GPS_and_gets_a_thumbnail()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var me = await ChatUser.RegisterAsync(http);
        await using var events = await EventProbe.ConnectAsync(app.BaseAddress, me.Token);
        var original = MediaApi.JpegWithGps(640, 320);
        Assert.True(original.AsSpan().IndexOf(MediaApi.GpsMarker) >= 0, "the test photo carries its GPS block");

        var mediaId = await MediaApi.UploadAsync(me, "image", "IMG_0001.jpg", "image/jpeg", original);
        var media = await MediaApi.ProcessedAsync(me, mediaId);

        Assert.Equal("ready", media.GetProperty("status").GetString());
        // Orientation 6 applied: the stored photo is upright (portrait), its left (red) half now on top.
        Assert.Equal((320, 640), (media.GetProperty("width").GetInt32(), media.GetProperty("height").GetInt32()));
        var (response, stored) = await MediaApi.DownloadAsync(new Uri(media.GetProperty("url").GetString()!));
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("image/jpeg", response.Content.Headers.ContentType?.MediaType);
            Assert.StartsWith("inline", response.Content.Headers.ContentDisposition?.ToString(), StringComparison.Ordinal);
        }

        Assert.True(stored.AsSpan().IndexOf(MediaApi.GpsMarker) < 0, "the GPS block is gone");
        Assert.True(stored.AsSpan().IndexOf("Exif\0\0"u8) < 0, "no EXIF block is left");
        Assert.Equal(stored.Length, media.GetProperty("size").GetInt64());
        using (var upright = SKBitmap.Decode(stored))
        {
            Assert.Equal((320, 640), (upright.Width, upright.Height));
            var top = upright.GetPixel(160, 80);
            var bottom = upright.GetPixel(160, 560);
            Assert.True(top.Red > 200 && top.Blue < 60, $"top is red: {top}");
            Assert.True(bottom.Blue > 200 && bottom.Red < 60, $"bottom is blue: {bottom}");
        }

        var (thumbResponse, thumbnail) = await MediaApi.DownloadAsync(new Uri(media.GetProperty("thumbnailUrl").GetString()!));
        thumbResponse.Dispose();
        Assert.Equal("WEBP"u8.ToArray(), thumbnail[8..12]);
        using (var small = SKBitmap.Decode(thumbnail))
        {
            Assert.Equal((160, 320), (small.Width, small.Height));
        }

        var updated = await events.WaitForAsync("media.updated", e => e.GetProperty("data").GetProperty("id").GetGuid() == mediaId);
        Assert.Equal("ready", updated.Data.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_video_gets_its_duration_dimensions_and_a_poster_frame()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var me = await ChatUser.RegisterAsync(http);
        var video = await MediaApi.FfmpegAsync("mp4", "-f", "lavfi", "-i", "testsrc=duration=2:size=320x240:rate=10", "-pix_fmt", "yuv420p", "-c:v", "libx264", "-preset", "ultrafast");

        var mediaId = await MediaApi.UploadAsync(me, "video", "clip.mp4", "video/mp4", video);
        var media = await MediaApi.ProcessedAsync(me, mediaId);

        Assert.Equal("ready", media.GetProperty("status").GetString());
        Assert.InRange(media.GetProperty("durationMs").GetInt32(), 1900, 2100);
        Assert.Equal((320, 240), (media.GetProperty("width").GetInt32(), media.GetProperty("height").GetInt32()));
        var (response, poster) = await MediaApi.DownloadAsync(new Uri(media.GetProperty("thumbnailUrl").GetString()!));
        response.Dispose();
        using var frame = SKBitmap.Decode(poster);
        Assert.Equal((320, 240), (frame.Width, frame.Height));
        var (videoResponse, stored) = await MediaApi.DownloadAsync(new Uri(media.GetProperty("url").GetString()!));
        using (videoResponse)
        {
            Assert.Equal("video/mp4", videoResponse.Content.Headers.ContentType?.MediaType);
            Assert.Equal(video, stored);
        }
    }

    /// <param name="live">
    /// WebM written as a live stream, like a browser's MediaRecorder: no duration in the container (ffprobe finds
    /// none), so it comes from decoding, and the bars still span the whole note.
    /// </param>
    [Theory]
    [InlineData("ogg", "audio/ogg", false)]
    [InlineData("webm", "audio/webm", true)]
    public async Task A_voice_note_gets_its_duration_and_a_waveform_that_follows_its_loudness(string container, string contentType, bool live)
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var me = await ChatUser.RegisterAsync(http);
        // A tone fading in over three seconds: the bars must rise.
        string[] tone = ["-f", "lavfi", "-i", "sine=frequency=440:duration=3", "-af", "afade=t=in:d=3", "-c:a", "libopus", "-b:a", "32k"];
        var voice = await MediaApi.FfmpegAsync(container, live ? [.. tone, "-live", "1"] : tone);

        var mediaId = await MediaApi.UploadAsync(me, "voice", $"voice.{container}", contentType, voice);
        var media = await MediaApi.ProcessedAsync(me, mediaId);

        Assert.Equal("ready", media.GetProperty("status").GetString());
        Assert.InRange(media.GetProperty("durationMs").GetInt32(), 2900, 3100);
        var bars = media.GetProperty("waveform").EnumerateArray().Select(b => b.GetInt32()).ToList();
        Assert.InRange(bars.Count, 95, Waveform.Bars);
        Assert.All(bars, b => Assert.InRange(b, 0, Waveform.Levels));
        Assert.Equal(Waveform.Levels, bars.Max());
        Assert.True(bars.Take(10).Average() < bars.TakeLast(10).Average() / 3, $"the bars rise with the fade-in: {string.Join(",", bars)}");
        Assert.Equal(JsonValueKindNull, media.GetProperty("thumbnailUrl").ValueKind);
    }

    [Fact]
    public async Task A_video_recorded_in_a_browser_gets_its_duration_from_its_packets()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var me = await ChatUser.RegisterAsync(http);
        // WebM written as a live stream, like MediaRecorder's: ffprobe finds no duration in the container.
        var video = await MediaApi.FfmpegAsync("webm", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=10:duration=2", "-c:v", "libvpx", "-b:v", "200k", "-live", "1");

        var mediaId = await MediaApi.UploadAsync(me, "video", "clip.webm", "video/webm", video);
        var media = await MediaApi.ProcessedAsync(me, mediaId);

        Assert.Equal("ready", media.GetProperty("status").GetString());
        Assert.InRange(media.GetProperty("durationMs").GetInt32(), 1900, 2100);
        Assert.Equal(160, media.GetProperty("width").GetInt32());
        Assert.NotEqual(JsonValueKindNull, media.GetProperty("thumbnailUrl").ValueKind);
    }

    [Fact]
    public async Task Files_that_are_not_what_they_claim_or_flood_pixels_fail_with_a_reason()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var me = await ChatUser.RegisterAsync(http);
        await using var events = await EventProbe.ConnectAsync(app.BaseAddress, me.Token);

        var pngAsVideo = await MediaApi.UploadAsync(me, "video", "movie.mp4", "video/mp4", MediaApi.Png(64, 64));
        var flood = await MediaApi.UploadAsync(me, "image", "flood.png", "image/png", MediaApi.PixelFloodPng(30_000));
        var svgAsImage = await MediaApi.UploadAsync(me, "image", "logo.svg", "image/svg+xml", "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"u8.ToArray());

        var video = await MediaApi.ProcessedAsync(me, pngAsVideo);
        Assert.Equal("failed", video.GetProperty("status").GetString());
        Assert.Contains("image/png", video.GetProperty("failureReason").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKindNull, video.GetProperty("url").ValueKind);
        var image = await MediaApi.ProcessedAsync(me, flood);
        Assert.Equal("failed", image.GetProperty("status").GetString());
        Assert.Contains("too many pixels", image.GetProperty("failureReason").GetString(), StringComparison.Ordinal);
        var svg = await MediaApi.ProcessedAsync(me, svgAsImage);
        Assert.Equal("failed", svg.GetProperty("status").GetString());

        foreach (var id in new[] { pngAsVideo, flood, svgAsImage })
        {
            var updated = await events.WaitForAsync("media.updated", e => e.GetProperty("data").GetProperty("id").GetGuid() == id);
            Assert.Equal("failed", updated.Data.GetProperty("status").GetString());
        }
    }

    [Fact]
    public async Task Svg_and_html_sent_as_files_download_as_attachments_never_inline()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var me = await ChatUser.RegisterAsync(http);

        var svgFile = await MediaApi.UploadAsync(me, "file", "logo.svg", "image/svg+xml", "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"u8.ToArray());
        var media = await MediaApi.ProcessedAsync(me, svgFile);

        Assert.Equal("ready", media.GetProperty("status").GetString());
        var (response, _) = await MediaApi.DownloadAsync(new Uri(media.GetProperty("url").GetString()!));
        using (response)
        {
            Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
            Assert.StartsWith("attachment", response.Content.Headers.ContentDisposition?.ToString(), StringComparison.Ordinal);
            Assert.Contains("logo.svg", response.Content.Headers.ContentDisposition?.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_job_that_lands_on_the_poison_queue_marks_the_media_failed_and_tells_the_uploader()
    {
        var (app, _) = await env.RealtimeAsync();
        var servers = await env.ServersAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var me = await ChatUser.RegisterAsync(http);
        await using var events = await EventProbe.ConnectAsync(app.BaseAddress, me.Token);
        // An upload completed as far as the database knows, whose job failed every attempt: it is put on the poison
        // queue directly (the host moves it there after maxDequeueCount failures).
        var mediaId = await MediaApi.CompletedWithoutJobAsync(me, servers, "video", "a.mp4", "video/mp4", new byte[10]);
        await MediaApi.QueueJobAsync(servers, MediaProcessor.PoisonQueue, mediaId);

        var updated = await events.WaitForAsync("media.updated", e => e.GetProperty("data").GetProperty("id").GetGuid() == mediaId, TimeSpan.FromSeconds(30));
        Assert.Equal("failed", updated.Data.GetProperty("status").GetString());
        var media = await me.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/media/{mediaId}");
        Assert.Equal("failed", media.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(media.GetProperty("failureReason").GetString()));
    }

    private const System.Text.Json.JsonValueKind JsonValueKindNull = System.Text.Json.JsonValueKind.Null;
}
