using SkiaSharp;

namespace DistaHilar.Core.Media;

/// <param name="Image">The re-encoded upright image without metadata; null to keep the original (animated GIF).</param>
public sealed record ProcessedImage(byte[]? Image, string ContentType, int Width, int Height, byte[] Thumbnail);

/// <summary>
/// Photos as a messenger sends them: decoded (JPEG at a reduced scale when large, which is cheap), turned upright by
/// their EXIF orientation, limited to <see cref="MediaOptions.MaxImageDimension"/> on the long side and re-encoded —
/// which drops every metadata block (EXIF GPS, XMP, comments). The pixel count is checked from the header before
/// anything is decoded, against decompression bombs. Originals that must stay untouched are sent as files.
/// </summary>
public static class ImageProcessing
{
    public const int ThumbnailSize = 320;
    public const string ThumbnailContentType = "image/webp";

    private static readonly SKSamplingOptions Downscale = new(SKFilterMode.Linear, SKMipmapMode.Linear);

    /// <param name="file">The file, seekable (the codec reads it in place rather than copying it).</param>
    public static ProcessedImage Process(Stream file, MediaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        using var codec = SKCodec.Create(file) ?? throw new MediaRejectedException("The image cannot be decoded.");
        var source = codec.Info;
        var contentType = codec.EncodedFormat switch
        {
            SKEncodedImageFormat.Jpeg => "image/jpeg",
            SKEncodedImageFormat.Png => "image/png",
            SKEncodedImageFormat.Webp => "image/webp",
            SKEncodedImageFormat.Gif => "image/gif",
            _ => throw new MediaRejectedException("Only JPEG, PNG, WebP and GIF images are accepted; send other formats as files."),
        };

        // JPEG decodes at 1/2, 1/4 or 1/8 scale for the price of the smaller image; others decode at full size.
        var longSide = Math.Max(source.Width, source.Height);
        var scaled = longSide > options.MaxImageDimension ? codec.GetScaledDimensions((float)options.MaxImageDimension / longSide) : source.Size;
        if ((long)scaled.Width * scaled.Height > options.MaxImagePixels || source.Width <= 0 || source.Height <= 0)
        {
            throw new MediaRejectedException($"The image has too many pixels ({source.Width}×{source.Height}).");
        }

        var decodeInfo = new SKImageInfo(scaled.Width, scaled.Height, SKColorType.Rgba8888, source.AlphaType == SKAlphaType.Opaque ? SKAlphaType.Opaque : SKAlphaType.Premul);
        using var decoded = new SKBitmap(decodeInfo);
        var result = codec.GetPixels(decodeInfo, decoded.GetPixels());
        if (result != SKCodecResult.Success)
        {
            throw new MediaRejectedException($"The image cannot be decoded ({result}).");
        }

        using var upright = Upright(decoded, codec.EncodedOrigin, options.MaxImageDimension);
        var image = upright ?? decoded;
        byte[]? encoded = codec.EncodedFormat switch
        {
            SKEncodedImageFormat.Gif when codec.FrameCount > 1 => null, // animation kept; GIF carries no EXIF
            SKEncodedImageFormat.Png or SKEncodedImageFormat.Gif => Encode(image, SKEncodedImageFormat.Png, 100),
            SKEncodedImageFormat.Webp => Encode(image, SKEncodedImageFormat.Webp, 90),
            _ => Encode(image, SKEncodedImageFormat.Jpeg, 90),
        };
        if (encoded is not null && codec.EncodedFormat == SKEncodedImageFormat.Gif)
        {
            contentType = "image/png";
        }

        return new ProcessedImage(encoded, contentType, image.Width, image.Height, Thumbnail(image));
    }

    /// <summary>A WebP that fits <see cref="ThumbnailSize"/> square, never enlarged.</summary>
    public static byte[] Thumbnail(SKBitmap image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var factor = Math.Min(1.0, (double)ThumbnailSize / Math.Max(image.Width, image.Height));
        if (factor >= 1.0)
        {
            return Encode(image, SKEncodedImageFormat.Webp, 80);
        }

        var size = new SKImageInfo(Math.Max(1, (int)Math.Round(image.Width * factor)), Math.Max(1, (int)Math.Round(image.Height * factor)), image.ColorType, image.AlphaType);
        using var small = image.Resize(size, Downscale) ?? throw new MediaRejectedException("The image cannot be scaled.");
        return Encode(small, SKEncodedImageFormat.Webp, 80);
    }

    /// <summary>Thumbnail of an encoded frame (a video's poster from ffmpeg).</summary>
    public static (byte[] Thumbnail, int Width, int Height) ThumbnailOf(byte[] encodedFrame)
    {
        using var frame = SKBitmap.Decode(encodedFrame) ?? throw new MediaRejectedException("The video's frame cannot be decoded.");
        return (Thumbnail(frame), frame.Width, frame.Height);
    }

    private static byte[] Encode(SKBitmap image, SKEncodedImageFormat format, int quality)
    {
        using var data = image.Encode(format, quality) ?? throw new InvalidOperationException($"Encoding {format} failed.");
        return data.ToArray();
    }

    /// <summary>
    /// The decoded pixels turned as EXIF orientation says and scaled down to the long-side limit (when the codec
    /// could not scale far enough), in one draw; null when nothing needs doing.
    /// </summary>
    private static SKBitmap? Upright(SKBitmap decoded, SKEncodedOrigin origin, int maxDimension)
    {
        var factor = Math.Min(1f, (float)maxDimension / Math.Max(decoded.Width, decoded.Height));
        if (origin == SKEncodedOrigin.TopLeft && factor >= 1f)
        {
            return null;
        }

        var swap = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        var (w, h) = swap ? (decoded.Height, decoded.Width) : (decoded.Width, decoded.Height);
        var outW = Math.Max(1, (int)Math.Round(w * factor));
        var outH = Math.Max(1, (int)Math.Round(h * factor));
        var result = new SKBitmap(new SKImageInfo(outW, outH, decoded.ColorType, decoded.AlphaType));
        using var canvas = new SKCanvas(result);
        canvas.Scale((float)outW / w, (float)outH / h);
        // Maps source (x, y) to upright coordinates in a w × h image (EXIF orientations 2–8).
        var orient = origin switch
        {
            SKEncodedOrigin.TopRight => new SKMatrix(-1, 0, w, 0, 1, 0, 0, 0, 1),
            SKEncodedOrigin.BottomRight => new SKMatrix(-1, 0, w, 0, -1, h, 0, 0, 1),
            SKEncodedOrigin.BottomLeft => new SKMatrix(1, 0, 0, 0, -1, h, 0, 0, 1),
            SKEncodedOrigin.LeftTop => new SKMatrix(0, 1, 0, 1, 0, 0, 0, 0, 1),
            SKEncodedOrigin.RightTop => new SKMatrix(0, -1, w, 1, 0, 0, 0, 0, 1),
            SKEncodedOrigin.RightBottom => new SKMatrix(0, -1, w, -1, 0, h, 0, 0, 1),
            SKEncodedOrigin.LeftBottom => new SKMatrix(0, 1, 0, -1, 0, h, 0, 0, 1),
            _ => SKMatrix.Identity,
        };
        canvas.Concat(in orient);
        using var image = SKImage.FromBitmap(decoded);
        canvas.DrawImage(image, 0, 0, Downscale);
        return result;
    }
}
