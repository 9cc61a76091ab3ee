using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DistaHilar.Core.Media;

/// <param name="DurationMs">Null when the container does not say.</param>
/// <param name="Width">Display width of the first video stream (rotation applied), null without video.</param>
public sealed record MediaProbe(int? DurationMs, bool HasVideo, bool HasAudio, int? Width, int? Height);

/// <summary>
/// ffprobe and ffmpeg (Debian's, or <see cref="MediaOptions.FfmpegPath"/>) run on a short-lived read URL of the
/// upload, so large videos are read by range, never downloaded whole. Hardened for hostile files: the demuxer is the
/// one the sniffed type names (a file cannot pose as a playlist that pulls other URLs or local files), only network
/// protocols are allowed, and every run is killed after <see cref="MediaOptions.ToolTimeout"/>.
/// </summary>
public sealed class Ffmpeg(IOptions<MediaOptions> options, ILogger<Ffmpeg> log)
{
    private const string Protocols = "http,https,tcp,tls";

    /// <summary>The demuxer for a sniffed type, or null when ffmpeg is not to read it.</summary>
    public static string? Demuxer(string contentType) => contentType switch
    {
        "video/mp4" or "video/quicktime" or "audio/mp4" => "mov",
        "video/webm" or "video/x-matroska" => "matroska",
        "audio/mpeg" => "mp3",
        "audio/flac" => "flac",
        "audio/wav" => "wav",
        _ when contentType.StartsWith("audio/ogg", StringComparison.Ordinal) => "ogg",
        _ => null,
    };

    public async Task<MediaProbe> ProbeAsync(Uri input, string demuxer, CancellationToken ct)
    {
        using var output = new MemoryStream();
        await RunAsync(
            options.Value.FfprobePath,
            ["-v", "error", "-protocol_whitelist", Protocols, "-f", demuxer, "-i", input.AbsoluteUri,
             "-show_entries", "format=duration:stream=codec_type,width,height:stream_side_data=rotation", "-of", "json"],
            input,
            async stdout => await stdout.CopyToAsync(output, ct),
            ct);
        return ParseProbe(output.ToArray());
    }

    /// <summary>
    /// The end of the first video stream's last packet, read from the packets themselves: for containers that do not
    /// say their duration (a browser's MediaRecorder writes WebM as a live stream). Null when no packet has a time.
    /// </summary>
    public async Task<int?> VideoEndMsAsync(Uri input, string demuxer, CancellationToken ct)
    {
        double? end = null;
        await RunAsync(
            options.Value.FfprobePath,
            ["-v", "error", "-protocol_whitelist", Protocols, "-f", demuxer, "-i", input.AbsoluteUri,
             "-select_streams", "v:0", "-show_entries", "packet=pts_time,duration_time", "-of", "csv=p=0"],
            input,
            async stdout =>
            {
                using var reader = new StreamReader(stdout);
                while (await reader.ReadLineAsync(ct) is { } line)
                {
                    var fields = line.Split(',');
                    if (fields.Length > 0 && double.TryParse(fields[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var pts))
                    {
                        var length = fields.Length > 1 && double.TryParse(fields[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : 0;
                        end = Math.Max(end ?? 0, pts + length);
                    }
                }
            },
            ct);
        return end is { } seconds && seconds >= 0 && seconds < int.MaxValue / 1000.0 ? (int)Math.Round(seconds * 1000) : null;
    }

    /// <summary>One frame at <paramref name="at"/> as PNG, turned upright as players show it.</summary>
    public async Task<byte[]> FrameAsync(Uri input, string demuxer, TimeSpan at, CancellationToken ct)
    {
        using var output = new MemoryStream();
        await RunAsync(
            options.Value.FfmpegPath,
            ["-v", "error", "-nostdin", "-protocol_whitelist", Protocols, "-f", demuxer,
             "-ss", at.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture), "-i", input.AbsoluteUri,
             "-frames:v", "1", "-an", "-vf", "scale='min(1280,iw)':-2", "-f", "image2pipe", "-c:v", "png", "pipe:1"],
            input,
            async stdout => await stdout.CopyToAsync(output, ct),
            ct);
        return output.Length > 0 ? output.ToArray() : throw new MediaRejectedException("The video has no frame to show.");
    }

    /// <summary>
    /// The waveform of the first audio stream, decoded to 8 kHz mono as it streams out of ffmpeg, and the length
    /// that decoding found (what a container without a duration, such as a browser's recording, never says).
    /// </summary>
    public async Task<(short[] Waveform, int DurationMs)> WaveformAsync(Uri input, string demuxer, CancellationToken ct)
    {
        const int rate = 8000;
        var waveform = new Waveform(rate);
        await RunAsync(
            options.Value.FfmpegPath,
            ["-v", "error", "-nostdin", "-protocol_whitelist", Protocols, "-f", demuxer, "-i", input.AbsoluteUri,
             "-vn", "-ac", "1", "-ar", rate.ToString(CultureInfo.InvariantCulture), "-f", "s16le", "pipe:1"],
            input,
            async stdout =>
            {
                var buffer = new byte[64 * 1024];
                var carry = 0;
                int read;
                while ((read = await stdout.ReadAsync(buffer.AsMemory(carry), ct)) > 0)
                {
                    var total = carry + read;
                    var whole = total & ~1;
                    waveform.Add(MemoryMarshal.Cast<byte, short>(buffer.AsSpan(0, whole)));
                    carry = total - whole;
                    if (carry == 1)
                    {
                        buffer[0] = buffer[whole];
                    }
                }
            },
            ct);
        return (waveform.Build(), waveform.DurationMs);
    }

    internal static MediaProbe ParseProbe(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        int? duration = null;
        if (root.TryGetProperty("format", out var format) && format.TryGetProperty("duration", out var d)
            && double.TryParse(d.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0 && seconds < int.MaxValue / 1000.0)
        {
            duration = (int)Math.Round(seconds * 1000);
        }

        bool hasVideo = false, hasAudio = false;
        int? width = null, height = null;
        if (root.TryGetProperty("streams", out var streams))
        {
            foreach (var stream in streams.EnumerateArray())
            {
                var type = stream.TryGetProperty("codec_type", out var t) ? t.GetString() : null;
                hasAudio |= type == "audio";
                if (type != "video" || hasVideo)
                {
                    continue;
                }

                hasVideo = true;
                width = stream.TryGetProperty("width", out var w) ? w.GetInt32() : null;
                height = stream.TryGetProperty("height", out var h) ? h.GetInt32() : null;
                var rotation = stream.TryGetProperty("side_data_list", out var sides)
                    ? sides.EnumerateArray().Select(s => s.TryGetProperty("rotation", out var r) ? r.GetInt32() : 0).FirstOrDefault(r => r != 0)
                    : 0;
                if (Math.Abs(rotation) % 180 == 90)
                {
                    (width, height) = (height, width);
                }
            }
        }

        return new MediaProbe(duration, hasVideo, hasAudio, width, height);
    }

    private async Task RunAsync(string program, IReadOnlyList<string> arguments, Uri input, Func<Stream, Task> readOutput, CancellationToken ct)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            // Not installed: transient for this message (it is retried, then poisoned), loud in the log.
            log.LogError("{Program} could not be started ({Error}); install ffmpeg or set Media__FfmpegPath/FfprobePath", program, ex.Message);
            throw;
        }

        process.StandardInput.Close();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Value.ToolTimeout);
        var errors = ReadLimitedAsync(process.StandardError, 4096);
        try
        {
            await readOutput(process.StandardOutput.BaseStream).WaitAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            if (ct.IsCancellationRequested)
            {
                throw;
            }

            throw new MediaRejectedException("Processing the file took too long.");
        }

        var stderr = Redact(await errors, input);
        if (process.ExitCode != 0)
        {
            // Most often a file ffmpeg cannot read; a storage outage reads the same, so the log keeps the detail.
            log.LogWarning("{Program} exited with {Code}: {Error}", Path.GetFileName(program), process.ExitCode, stderr);
            throw new MediaRejectedException("The file cannot be read as the media it claims to be.");
        }
    }

    /// <summary>The SAS in the input URL is a secret: ffmpeg's messages quote the URL.</summary>
    private static string Redact(string text, Uri input)
    {
        text = text.Replace(input.AbsoluteUri, "<input>", StringComparison.Ordinal);
        return input.Query.Length > 1 ? text.Replace(input.Query, "?<redacted>", StringComparison.Ordinal) : text;
    }

    private static async Task<string> ReadLimitedAsync(StreamReader reader, int limit)
    {
        var text = new StringBuilder();
        var buffer = new char[1024];
        int read;
        while ((read = await reader.ReadAsync(buffer)) > 0)
        {
            if (text.Length < limit)
            {
                text.Append(buffer, 0, Math.Min(read, limit - text.Length));
            }
        }

        return text.ToString();
    }
}
