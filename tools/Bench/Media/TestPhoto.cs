using SkiaSharp;

namespace DistaHilar.Bench.Media;

/// <summary>
/// A photo-like JPEG made on the spot: a sky gradient with a sun, layered hills, a lake, blurred out-of-focus discs
/// and sharp shapes in the foreground, then per-pixel sensor noise. Flat test images compress to almost nothing and
/// decode faster than photos; noise and edges give the encoder (and later the decoder) about a phone photo's work
/// and size. Deterministic (fixed seeds), so every run measures the same bytes.
/// </summary>
internal static class TestPhoto
{
    public static byte[] Jpeg(int width, int height, int quality, int noise)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var random = new Random(20261125);
        float w = width, h = height;
        using (var canvas = new SKCanvas(bitmap))
        {
            using var paint = new SKPaint { IsAntialias = true };

            // Sky: deep blue at the top to a hazy horizon.
            using (var sky = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(0, h * 0.6f), [new SKColor(38, 92, 168), new SKColor(120, 170, 220), new SKColor(228, 214, 196)], null, SKShaderTileMode.Clamp))
            {
                paint.Shader = sky;
                canvas.DrawRect(0, 0, w, h * 0.6f, paint);
            }

            // Sun with a glow.
            using (var sun = SKShader.CreateRadialGradient(new SKPoint(w * 0.72f, h * 0.22f), h * 0.25f, [new SKColor(255, 250, 225), new SKColor(255, 220, 160, 120), SKColors.Transparent], [0, 0.15f, 1], SKShaderTileMode.Clamp))
            {
                paint.Shader = sun;
                canvas.DrawCircle(w * 0.72f, h * 0.22f, h * 0.25f, paint);
            }

            // Clouds: soft white ellipses.
            paint.Shader = null;
            using (var soft = SKMaskFilter.CreateBlur(SKBlurStyle.Normal, 40))
            {
                paint.MaskFilter = soft;
                for (var i = 0; i < 25; i++)
                {
                    paint.Color = new SKColor(255, 255, 255, (byte)random.Next(60, 160));
                    var (x, y) = (Next(random, 0, w), Next(random, h * 0.05f, h * 0.35f));
                    canvas.DrawOval(x, y, Next(random, w * 0.05f, w * 0.15f), Next(random, h * 0.02f, h * 0.05f), paint);
                }

                paint.MaskFilter = null;
            }

            // Hills: three ridges, farther ones lighter and bluer.
            SKColor[][] ridges =
            [
                [new SKColor(112, 132, 160), new SKColor(90, 110, 130)],
                [new SKColor(70, 110, 70), new SKColor(45, 80, 40)],
                [new SKColor(60, 90, 35), new SKColor(30, 55, 20)],
            ];
            for (var r = 0; r < ridges.Length; r++)
            {
                var baseY = h * (0.45f + (0.08f * r));
                using var path = new SKPath();
                path.MoveTo(0, h);
                for (var x = 0f; x <= w; x += w / 40)
                {
                    path.LineTo(x, baseY - (float)(Math.Sin((x / w * (3 + r) * Math.PI) + r) * h * 0.06) - Next(random, 0, h * 0.02f));
                }

                path.LineTo(w, h);
                path.Close();
                using var shade = SKShader.CreateLinearGradient(new SKPoint(0, baseY - (h * 0.1f)), new SKPoint(0, h), ridges[r], null, SKShaderTileMode.Clamp);
                paint.Shader = shade;
                canvas.DrawPath(path, paint);
            }

            // A lake reflecting the sky.
            using (var lake = SKShader.CreateLinearGradient(new SKPoint(0, h * 0.72f), new SKPoint(0, h * 0.85f), [new SKColor(150, 185, 215), new SKColor(40, 80, 120)], null, SKShaderTileMode.Clamp))
            {
                paint.Shader = lake;
                canvas.DrawOval(w * 0.35f, h * 0.8f, w * 0.3f, h * 0.06f, paint);
            }

            paint.Shader = null;

            // Out-of-focus foreground: blurred discs of leaf and flower colours.
            using (var bokeh = SKMaskFilter.CreateBlur(SKBlurStyle.Normal, 18))
            {
                paint.MaskFilter = bokeh;
                for (var i = 0; i < 120; i++)
                {
                    paint.Color = new SKColor((byte)random.Next(40, 255), (byte)random.Next(80, 220), (byte)random.Next(20, 120), (byte)random.Next(90, 220));
                    canvas.DrawCircle(Next(random, 0, w), Next(random, h * 0.8f, h), Next(random, 20, 120), paint);
                }

                paint.MaskFilter = null;
            }

            // Sharp detail: grass blades and small stones, the high-frequency edges photos are full of.
            paint.Style = SKPaintStyle.Stroke;
            for (var i = 0; i < 6000; i++)
            {
                paint.StrokeWidth = Next(random, 1, 4);
                paint.Color = new SKColor((byte)random.Next(20, 120), (byte)random.Next(80, 200), (byte)random.Next(10, 80));
                var (x, y) = (Next(random, 0, w), Next(random, h * 0.62f, h));
                canvas.DrawLine(x, y, x + Next(random, -25, 25), y - Next(random, 15, 90), paint);
            }

            paint.Style = SKPaintStyle.Fill;
            for (var i = 0; i < 800; i++)
            {
                var grey = (byte)random.Next(90, 200);
                paint.Color = new SKColor(grey, (byte)(grey - 10), (byte)(grey - 25));
                canvas.DrawOval(Next(random, 0, w), Next(random, h * 0.85f, h), Next(random, 4, 30), Next(random, 3, 18), paint);
            }
        }

        AddNoise(bitmap, noise);
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, quality) ?? throw new InvalidOperationException("SkiaSharp could not encode the test photo.");
        return data.ToArray();
    }

    private static float Next(Random random, float min, float max) => min + (float)(random.NextDouble() * (max - min));

    /// <summary>Sensor-like noise: each channel moves by a triangular-distributed amount of at most ±<paramref name="amplitude"/>.</summary>
    private static void AddNoise(SKBitmap bitmap, int amplitude)
    {
        if (amplitude <= 0)
        {
            return;
        }

        using var pixmap = bitmap.PeekPixels();
        var pixels = pixmap.GetPixelSpan<byte>();
        var state = 0x9E3779B97F4A7C15UL;
        for (var i = 0; i < pixels.Length; i++)
        {
            if ((i & 3) == 3)
            {
                continue; // alpha
            }

            // xorshift64: quick enough for 36 million samples.
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            var delta = ((int)(state & 0xFF) + (int)((state >> 8) & 0xFF) - 255) * amplitude / 255;
            pixels[i] = (byte)Math.Clamp(pixels[i] + delta, 0, 255);
        }
    }
}
