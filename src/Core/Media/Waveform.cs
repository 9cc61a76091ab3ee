namespace DistaHilar.Core.Media;

/// <summary>
/// A voice note's bars: the peak loudness of each of <see cref="Bars"/> equal slices of the audio, scaled to 0..31
/// (5 bits, as Telegram draws them). Samples stream in; the slice length comes from the expected sample count.
/// </summary>
public sealed class Waveform(long expectedSamples)
{
    public const int Bars = 100;
    public const int Levels = 31;

    private readonly int[] peaks = new int[Bars];
    private readonly long perBar = Math.Max(1, (expectedSamples + Bars - 1) / Bars);
    private long count;

    public void Add(ReadOnlySpan<short> samples)
    {
        foreach (var sample in samples)
        {
            var bar = (int)Math.Min(count / perBar, Bars - 1);
            var level = Math.Abs((int)sample);
            if (level > peaks[bar])
            {
                peaks[bar] = level;
            }

            count++;
        }
    }

    /// <summary>Shorter than <see cref="Bars"/> when the audio was shorter than expected; all zero for silence.</summary>
    public short[] Build()
    {
        var used = (int)Math.Min(Bars, (count + perBar - 1) / perBar);
        var loudest = peaks.Max();
        return peaks.Take(used).Select(p => loudest == 0 ? (short)0 : (short)Math.Round(p * (double)Levels / loudest)).ToArray();
    }
}
