namespace DistaHilar.Bench.Soak;

/// <summary>
/// How long the soak runs and how hard: per group a send every 40 ms, a history page every 50 ms, a reaction every
/// 200 ms, a typing every 250 ms, a read every 500 ms; a chat list every 50 ms, an upload every 2 s and a call every
/// 10 s overall. With 6 groups of 4 that is about 400 requests/s and 600 deliveries/s, near half of what the 2-core
/// machine serves of this mix (<c>send</c> alone reaches ~1,300–1,700 req/s at 32 in flight).
/// </summary>
internal sealed record SoakOptions
{
    public TimeSpan Duration { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Readings every this often.</summary>
    public TimeSpan SampleEvery { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Readings before this are warm-up (JIT, pools, caches): flatness is judged after it.</summary>
    public TimeSpan WarmUp { get; init; } = TimeSpan.FromMinutes(1);

    public int Groups { get; init; } = 6;

    public int Members { get; init; } = 4;

    public TimeSpan SendEvery { get; init; } = TimeSpan.FromMilliseconds(40);

    public TimeSpan HistoryEvery { get; init; } = TimeSpan.FromMilliseconds(50);

    public TimeSpan ReactEvery { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan TypingEvery { get; init; } = TimeSpan.FromMilliseconds(250);

    public TimeSpan ReadEvery { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan ChatListEvery { get; init; } = TimeSpan.FromMilliseconds(50);

    public TimeSpan UploadEvery { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan CallEvery { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Growth after warm-up beyond this share of the first reading is not flat.</summary>
    public double FlatTolerance { get; init; } = 0.10;
}
