using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using System.IO.Hashing;
using System.Net;
using System.Text;
using System.Text.Json;
using DistaHilar.Core.Media;
using DistaHilar.Core.Storage;
using DistaHilar.Tests.Chats;
using DistaHilar.Tests.Infrastructure;
using SkiaSharp;

namespace DistaHilar.Tests.Media;

/// <summary>Uploads through the API's direct-upload path, and media the tests make themselves.</summary>
public static class MediaApi
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Declares, uploads to the storage URL and completes; returns the media id.</summary>
    public static async Task<Guid> UploadAsync(ChatUser user, string kind, string fileName, string contentType, byte[] bytes)
    {
        var target = await user.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "api/media/uploads", new { fileName, contentType, size = bytes.Length, kind });
        var mediaId = target.GetProperty("mediaId").GetGuid();
        using var storage = new HttpClient();
        Assert.Equal(HttpStatusCode.Created, await PutAsync(storage, new Uri(target.GetProperty("uploadUrl").GetString()!), target.GetProperty("headers"), bytes));
        await user.ExpectAsync(HttpStatusCode.Accepted, HttpMethod.Post, $"api/media/uploads/{mediaId}/complete");
        return mediaId;
    }

    /// <summary>
    /// Uploaded, and complete as far as the database knows, but with no processing job queued: the test decides when
    /// (and on which queue) the job arrives.
    /// </summary>
    public static async Task<Guid> CompletedWithoutJobAsync(ChatUser user, DistaHilar.Dev.LocalServers servers, string kind, string fileName, string contentType, byte[] bytes)
    {
        var target = await user.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "api/media/uploads", new { fileName, contentType, size = bytes.Length, kind });
        var mediaId = target.GetProperty("mediaId").GetGuid();
        using (var storage = new HttpClient())
        {
            Assert.Equal(HttpStatusCode.Created, await PutAsync(storage, new Uri(target.GetProperty("uploadUrl").GetString()!), target.GetProperty("headers"), bytes));
        }

        await using var db = Npgsql.NpgsqlDataSource.Create(servers.Postgres.DirectConnectionString);
        await using var complete = db.CreateCommand($"UPDATE media SET completed_at = now(), size = {bytes.Length} WHERE id = '{mediaId}'");
        Assert.Equal(1, await complete.ExecuteNonQueryAsync(Ct));
        return mediaId;
    }

    /// <summary>Puts a processing job on a queue, as the app (or the host, for the poison queue) would.</summary>
    public static Task QueueJobAsync(DistaHilar.Dev.LocalServers servers, string queue, Guid mediaId) =>
        new QueueSender(StorageClients.FromConnectionString(servers.AppSettings["AzureWebJobsStorage"]!)).SendAsync(queue, new MediaJob(mediaId), Ct);

    public static async Task<HttpStatusCode> PutAsync(HttpClient http, Uri url, JsonElement headers, byte[] bytes)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = new ByteArrayContent(bytes) };
        foreach (var header in headers.EnumerateObject())
        {
            if (!request.Headers.TryAddWithoutValidation(header.Name, header.Value.GetString()))
            {
                request.Content.Headers.TryAddWithoutValidation(header.Name, header.Value.GetString());
            }
        }

        using var response = await http.SendAsync(request, Ct);
        return response.StatusCode;
    }

    /// <summary>The media once processing has ended (ready or failed).</summary>
    public static Task<JsonElement> ProcessedAsync(ChatUser user, Guid mediaId) =>
        Eventually.Returns(
            () => user.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/media/{mediaId}"),
            m => m.GetProperty("status").GetString() is "ready" or "failed",
            TimeSpan.FromSeconds(60),
            $"media {mediaId} to be processed");

    /// <summary>
    /// A JPEG whose left half is red and right half blue, with an EXIF block saying "rotate 90° clockwise to view"
    /// (orientation 6) and a GPS position, as phones write them.
    /// </summary>
    public static byte[] JpegWithGps(int width, int height)
    {
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            using var red = new SKPaint { Color = SKColors.Red };
            using var blue = new SKPaint { Color = SKColors.Blue };
            canvas.DrawRect(0, 0, width / 2f, height, red);
            canvas.DrawRect(width / 2f, 0, width / 2f, height, blue);
        }

        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 95);
        var jpeg = data.ToArray();
        var exif = ExifWithGps();
        var segment = new byte[4 + exif.Length];
        segment[0] = 0xFF;
        segment[1] = 0xE1;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), (ushort)(exif.Length + 2));
        exif.CopyTo(segment, 4);
        return [.. jpeg[..2], .. segment, .. jpeg[2..]];
    }

    /// <summary>What must not survive processing: the GPS latitude reference and value written by <see cref="JpegWithGps"/>.</summary>
    public static readonly byte[] GpsMarker = "GPSMARK"u8.ToArray();

    /// <summary>"Exif\0\0" + a little-endian TIFF: IFD0 {Orientation = 6, GPS IFD pointer, ImageDescription}, GPS IFD {LatitudeRef N, Latitude 48°51'24"}.</summary>
    private static byte[] ExifWithGps()
    {
        using var tiff = new MemoryStream();
        using var w = new BinaryWriter(tiff);
        w.Write("II"u8);
        w.Write((ushort)42);
        w.Write(8u); // IFD0 at 8
        // IFD0: 3 entries (12 bytes each) + next-IFD offset: 2 + 36 + 4 = 42 bytes → ends at 50.
        w.Write((ushort)3);
        Entry(w, 0x010E, 2, 8, 50); // ImageDescription, ASCII "GPSMARK\0" at 50
        Entry(w, 0x0112, 3, 1, 6); // Orientation = 6 (SHORT, inline)
        Entry(w, 0x8825, 4, 1, 58); // GPS IFD at 58
        w.Write(0u);
        w.Write("GPSMARK\0"u8); // 50..58
        // GPS IFD at 58: 2 entries + next = 2 + 24 + 4 = 30 → rationals at 88.
        w.Write((ushort)2);
        Entry(w, 0x0001, 2, 2, 'N'); // GPSLatitudeRef "N\0" inline
        Entry(w, 0x0002, 5, 3, 88); // GPSLatitude, 3 RATIONALs at 88
        w.Write(0u);
        foreach (var (num, den) in new[] { (48u, 1u), (51u, 1u), (24u, 1u) })
        {
            w.Write(num);
            w.Write(den);
        }

        w.Flush();
        return [.. "Exif\0\0"u8, .. tiff.ToArray()];

        static void Entry(BinaryWriter w, ushort tag, ushort type, uint count, uint value)
        {
            w.Write(tag);
            w.Write(type);
            w.Write(count);
            w.Write(value);
        }
    }

    /// <summary>
    /// A PNG header claiming <paramref name="side"/>² pixels with almost no data: a few hundred bytes that would take
    /// gigabytes to decode (a "pixel flood").
    /// </summary>
    public static byte[] PixelFloodPng(int side)
    {
        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, side);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), side);
        header[8] = 8; // bit depth
        header[9] = 2; // RGB
        Chunk(png, "IHDR", header);
        using var zlib = new MemoryStream();
        using (var z = new ZLibStream(zlib, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            z.Write(new byte[64 * 1024]);
        }

        Chunk(png, "IDAT", zlib.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();

        static void Chunk(Stream png, string type, byte[] data)
        {
            var length = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
            png.Write(length);
            var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
            png.Write(typed);
            var crc = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32.HashToUInt32(typed));
            png.Write(crc);
        }
    }

    public static byte[] Png(int width, int height)
    {
        using var bitmap = new SKBitmap(width, height);
        bitmap.Erase(SKColors.Green);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    private static readonly string[] QuietOverwrite = ["-v", "error", "-nostdin", "-y"];

    /// <summary>Runs ffmpeg with the arguments (output last, into a temp file) and returns the file's bytes.</summary>
    public static async Task<byte[]> FfmpegAsync(string extension, params string[] arguments)
    {
        var output = Path.Combine(Path.GetTempPath(), $"dh-media-{Guid.NewGuid():N}.{extension}");
        try
        {
            var start = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var argument in QuietOverwrite.Concat(arguments).Append(output))
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            var errors = process.StandardError.ReadToEndAsync(Ct);
            await process.WaitForExitAsync(Ct).WaitAsync(TimeSpan.FromSeconds(60), Ct);
            Assert.True(process.ExitCode == 0, $"ffmpeg failed: {await errors}");
            return await File.ReadAllBytesAsync(output, Ct);
        }
        finally
        {
            File.Delete(output);
        }
    }

    public static async Task<(HttpResponseMessage Response, byte[] Body)> DownloadAsync(Uri url)
    {
        using var http = new HttpClient();
        var response = await http.GetAsync(url, Ct);
        return (response, await response.Content.ReadAsByteArrayAsync(Ct));
    }
}
