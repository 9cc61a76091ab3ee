namespace DistaHilar.Core.Media;

/// <summary>
/// A voice note's bars: the peak loudness of each of <see cref="Bars"/> equal slices of the audio, scaled to 0..31
/// (5 bits, as Telegram draws them). Samples stream in; the length need not be known in advance (a browser's
/// MediaRecorder writes WebM without a duration), so peaks are kept per short slice and grouped into bars at the end.
/// </summary>
public sealed class Waveform(int sampleRate)
{
    public const int Bars = 100;
    public const int Levels = 31;

    /// <summary>10 ms slices: an hour of audio is 360,000 of them.</summary>
    private readonly int perSlice = Math.Max(1, sampleRate / 100);
    private readonly List<int> slices = [];
    private int current;
    private int inSlice;

    /// <summary>Samples seen so far.</summary>
    public long Count { get; private set; }

    /// <summary>The length of what was added, from the samples themselves.</summary>
    public int DurationMs => (int)Math.Min(int.MaxValue, Count * 1000 / sampleRate);

    public void Add(ReadOnlySpan<short> samples)
    {
        foreach (var sample in samples)
        {
            current = Math.Max(current, Math.Abs((int)sample));
            Count++;
            if (++inSlice == perSlice)
            {
                slices.Add(current);
                current = 0;
                inSlice = 0;
            }
        }
    }

    /// <summary>Fewer than <see cref="Bars"/> bars only for audio shorter than a second; all zero for silence.</summary>
    public short[] Build()
    {
        var all = inSlice > 0 ? [.. slices, current] : slices;
        if (all.Count == 0)
        {
            return [];
        }

        var bars = Math.Min(Bars, all.Count);
        var peaks = new int[bars];
        for (var i = 0; i < all.Count; i++)
        {
            var bar = (int)((long)i * bars / all.Count);
            peaks[bar] = Math.Max(peaks[bar], all[i]);
        }

        var loudest = peaks.Max();
        return peaks.Select(p => loudest == 0 ? (short)0 : (short)Math.Round(p * (double)Levels / loudest)).ToArray();
    }
}
