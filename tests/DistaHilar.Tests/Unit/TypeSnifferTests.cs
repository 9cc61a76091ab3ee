using System.Text;
using DistaHilar.Core.Media;

namespace DistaHilar.Tests.Unit;

/// <summary>Content sniffing from first bytes: the real type wins over names and declared types.</summary>
public sealed class TypeSnifferTests
{
    private static byte[] Bytes(params object[] parts) =>
        parts.SelectMany(p => p switch
        {
            string s => Encoding.ASCII.GetBytes(s),
            byte[] b => b,
            int n => [(byte)n],
            _ => throw new ArgumentException(p.ToString()),
        }).Concat(new byte[32]).ToArray();

    public static TheoryData<string, byte[], SniffedCategory, string> Known => new()
    {
        { "jpeg", Bytes(0xFF, 0xD8, 0xFF, 0xE1), SniffedCategory.Image, "image/jpeg" },
        { "png", Bytes(0x89, "PNG", 0x0D, 0x0A, 0x1A, 0x0A), SniffedCategory.Image, "image/png" },
        { "gif", Bytes("GIF89a"), SniffedCategory.Image, "image/gif" },
        { "webp", Bytes("RIFF", 0, 0, 0, 0, "WEBPVP8 "), SniffedCategory.Image, "image/webp" },
        { "wav", Bytes("RIFF", 0, 0, 0, 0, "WAVEfmt "), SniffedCategory.Audio, "audio/wav" },
        { "mp4", Bytes(0, 0, 0, 0x20, "ftypisom"), SniffedCategory.Video, "video/mp4" },
        { "mov", Bytes(0, 0, 0, 0x14, "ftypqt  "), SniffedCategory.Video, "video/quicktime" },
        { "m4a", Bytes(0, 0, 0, 0x20, "ftypM4A "), SniffedCategory.Audio, "audio/mp4" },
        { "heic", Bytes(0, 0, 0, 0x18, "ftypheic"), SniffedCategory.Image, "image/heic" },
        { "webm", Bytes(0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x82, 0x84, "webm"), SniffedCategory.Video, "video/webm" },
        { "mkv", Bytes(0x1A, 0x45, 0xDF, 0xA3, 0xA3, 0x42, 0x82, 0x88, "matroska"), SniffedCategory.Video, "video/x-matroska" },
        { "opus", Bytes("OggS", 0, 2, new byte[22], "OpusHead"), SniffedCategory.Audio, "audio/ogg; codecs=opus" },
        { "mp3 with tag", Bytes("ID3", 4, 0), SniffedCategory.Audio, "audio/mpeg" },
        { "mp3 frame", Bytes(0xFF, 0xFB, 0x90, 0x64), SniffedCategory.Audio, "audio/mpeg" },
        { "flac", Bytes("fLaC"), SniffedCategory.Audio, "audio/flac" },
        { "pdf", Bytes("%PDF-1.7"), SniffedCategory.Document, "application/pdf" },
        { "zip", Bytes(0x50, 0x4B, 0x03, 0x04), SniffedCategory.Document, "application/zip" },
    };

    [Theory]
    [MemberData(nameof(Known))]
    public void Recognises_the_formats_a_messenger_takes(string name, byte[] head, SniffedCategory category, string contentType)
    {
        var sniffed = TypeSniffer.Sniff(head);

        Assert.True((category, contentType) == (sniffed.Category, sniffed.ContentType), $"{name}: got {sniffed}");
        Assert.Equal(category is SniffedCategory.Document, sniffed.ServeAsAttachment);
    }

    [Theory]
    [InlineData("<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>")]
    [InlineData("\uFEFF  \n<?xml version=\"1.0\"?><svg/>")]
    [InlineData("<!DOCTYPE HTML><html><body>hi</body></html>")]
    [InlineData("<!-- made by hand --><SVG></SVG>")]
    [InlineData("<script>fetch('/steal')</script>")]
    public void Svg_html_and_xml_are_attachments_never_images(string text)
    {
        var sniffed = TypeSniffer.Sniff(Encoding.UTF8.GetBytes(text));

        Assert.NotEqual(SniffedCategory.Image, sniffed.Category);
        Assert.True(sniffed.ServeAsAttachment);
        Assert.Equal("application/octet-stream", sniffed.ContentType);
    }

    [Theory]
    [InlineData("")]
    [InlineData("just some notes")]
    [InlineData("RIFF\0\0\0\0AVI LIST")]
    public void Anything_else_is_an_opaque_attachment(string text)
    {
        var sniffed = TypeSniffer.Sniff(Encoding.ASCII.GetBytes(text));

        Assert.Equal(new SniffedType(SniffedCategory.Unknown, "application/octet-stream", ServeAsAttachment: true), sniffed);
    }
}
