using DistaHilar.Core.Data;
using DistaHilar.Core.Media;

namespace DistaHilar.Tests.Unit;

/// <summary>Which declared types can be which kind, and the kind an upload without one gets from its bytes.</summary>
public sealed class MediaKindRulesTests
{
    [Theory]
    [InlineData(MediaKind.Image, "image/jpeg", true)]
    [InlineData(MediaKind.Image, "IMAGE/PNG; q=1", true)]
    [InlineData(MediaKind.Image, "application/x-msdownload", false)]
    [InlineData(MediaKind.Image, "application/octet-stream", false)]
    [InlineData(MediaKind.Video, "video/mp4", true)]
    [InlineData(MediaKind.Video, "text/html", false)]
    [InlineData(MediaKind.Video, "audio/mpeg", false)]
    [InlineData(MediaKind.Voice, "video/webm", true)]
    [InlineData(MediaKind.Voice, "audio/ogg; codecs=opus", true)]
    [InlineData(MediaKind.Audio, "application/ogg", true)]
    [InlineData(MediaKind.Audio, "image/png", false)]
    [InlineData(MediaKind.File, "application/x-msdownload", true)]
    public void A_declared_type_can_be_only_its_own_kind(MediaKind kind, string contentType, bool allowed)
    {
        Assert.Equal(allowed, MediaRules.CanBe(kind, contentType));
        Assert.Equal(allowed, MediaRules.KindMismatch(kind, contentType) is null);
    }

    [Fact]
    public void Without_a_kind_the_bytes_decide_and_a_generic_type_gives_way_to_the_sniffed_one()
    {
        var png = TypeSniffer.Sniff([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0]);
        var pdf = TypeSniffer.Sniff("%PDF-1.7"u8);

        Assert.Equal((MediaKind.Image, "image/png"), MediaRules.Infer("application/octet-stream", png));
        Assert.Equal((MediaKind.Image, "image/png"), MediaRules.Infer(null, png));
        Assert.Equal((MediaKind.Image, "image/x-png"), MediaRules.Infer("image/x-png", png));
        Assert.Equal((MediaKind.File, "application/pdf"), MediaRules.Infer("application/pdf", pdf));
        Assert.Equal((MediaKind.File, "image/png"), MediaRules.Infer("image/png", TypeSniffer.Sniff([1, 2, 3])));
        Assert.Equal((MediaKind.File, "application/octet-stream"), MediaRules.Infer(null, TypeSniffer.Sniff([])));
    }
}
