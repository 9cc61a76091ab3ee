using System.Text;

namespace DistaHilar.Core.Media;

/// <summary>What the bytes say a file is, whatever its name or declared type claimed.</summary>
public enum SniffedCategory
{
    Unknown,
    Image,
    Video,
    Audio,
    Document,
}

/// <param name="ContentType">The type to store and serve it as.</param>
/// <param name="ServeAsAttachment">Active content (SVG, HTML, XML): never rendered inline, always downloaded.</param>
public sealed record SniffedType(SniffedCategory Category, string ContentType, bool ServeAsAttachment = false);

/// <summary>
/// Content sniffing from a file's first bytes (<see cref="HeadLength"/> are enough): magic numbers of the formats a
/// messenger accepts, and a text check that sends SVG and HTML to attachments. Anything else is an opaque file.
/// </summary>
public static class TypeSniffer
{
    public const int HeadLength = 4096;

    private static readonly SniffedType Opaque = new(SniffedCategory.Unknown, "application/octet-stream", ServeAsAttachment: true);

    private static readonly string[] ActiveMarkup = ["<svg", "<!doctype html", "<html", "<head", "<body", "<script", "<iframe", "<?xml"];

    public static SniffedType Sniff(ReadOnlySpan<byte> head)
    {
        if (Starts(head, [0xFF, 0xD8, 0xFF]))
        {
            return new(SniffedCategory.Image, "image/jpeg");
        }

        if (Starts(head, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return new(SniffedCategory.Image, "image/png");
        }

        if (Starts(head, "GIF87a"u8) || Starts(head, "GIF89a"u8))
        {
            return new(SniffedCategory.Image, "image/gif");
        }

        if (Starts(head, "RIFF"u8) && head.Length >= 12)
        {
            var form = head.Slice(8, 4);
            return form.SequenceEqual("WEBP"u8) ? new(SniffedCategory.Image, "image/webp")
                : form.SequenceEqual("WAVE"u8) ? new(SniffedCategory.Audio, "audio/wav")
                : Opaque;
        }

        if (head.Length >= 12 && head.Slice(4, 4).SequenceEqual("ftyp"u8))
        {
            return IsoMedia(Encoding.ASCII.GetString(head.Slice(8, 4)));
        }

        if (Starts(head, [0x1A, 0x45, 0xDF, 0xA3]))
        {
            // Matroska: the EBML header names its DocType near the start.
            return Contains(head[..Math.Min(head.Length, 64)], "webm"u8) ? new(SniffedCategory.Video, "video/webm") : new(SniffedCategory.Video, "video/x-matroska");
        }

        if (Starts(head, "OggS"u8))
        {
            return new(SniffedCategory.Audio, Contains(head[..Math.Min(head.Length, 64)], "OpusHead"u8) ? "audio/ogg; codecs=opus" : "audio/ogg");
        }

        if (Starts(head, "ID3"u8) || (head.Length >= 2 && head[0] == 0xFF && (head[1] & 0xE0) == 0xE0 && (head[1] & 0x06) != 0))
        {
            return new(SniffedCategory.Audio, "audio/mpeg");
        }

        if (Starts(head, "fLaC"u8))
        {
            return new(SniffedCategory.Audio, "audio/flac");
        }

        if (Starts(head, "%PDF-"u8))
        {
            return new(SniffedCategory.Document, "application/pdf", ServeAsAttachment: true);
        }

        if (Starts(head, [0x50, 0x4B, 0x03, 0x04]) || Starts(head, [0x50, 0x4B, 0x05, 0x06]))
        {
            return new(SniffedCategory.Document, "application/zip", ServeAsAttachment: true);
        }

        return IsActiveMarkup(head) ? new(SniffedCategory.Document, "application/octet-stream", ServeAsAttachment: true) : Opaque;
    }

    /// <summary>ISO base media (MP4, MOV, M4A, HEIC): the major brand after <c>ftyp</c> decides.</summary>
    private static SniffedType IsoMedia(string brand) => brand switch
    {
        "M4A " or "M4B " => new(SniffedCategory.Audio, "audio/mp4"),
        "qt  " => new(SniffedCategory.Video, "video/quicktime"),
        "heic" or "heix" or "mif1" or "msf1" or "hevc" => new(SniffedCategory.Image, "image/heic"),
        "avif" => new(SniffedCategory.Image, "image/avif"),
        _ => new(SniffedCategory.Video, "video/mp4"),
    };

    /// <summary>Text that a browser would run or render: SVG, HTML, XML — found after a BOM and whitespace, in any case.</summary>
    private static bool IsActiveMarkup(ReadOnlySpan<byte> head)
    {
        var text = Encoding.UTF8.GetString(head[..Math.Min(head.Length, 1024)]).TrimStart('\uFEFF', ' ', '\t', '\r', '\n').ToLowerInvariant();
        return ActiveMarkup.Any(m => text.StartsWith(m, StringComparison.Ordinal))
            || (text.StartsWith("<!--", StringComparison.Ordinal) && ActiveMarkup.Any(m => text.Contains(m, StringComparison.Ordinal)));
    }

    private static bool Starts(ReadOnlySpan<byte> head, ReadOnlySpan<byte> magic) => head.StartsWith(magic);

    private static bool Contains(ReadOnlySpan<byte> head, ReadOnlySpan<byte> value) => head.IndexOf(value) >= 0;
}
