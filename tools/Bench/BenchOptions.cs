using System.Globalization;
using DistaHilar.LocalServices;

namespace DistaHilar.Bench;

/// <summary>The command line, parsed and validated; every limit here keeps a run bounded.</summary>
internal sealed record BenchOptions
{
    private const string Usage = """
        usage: DistaHilar.Bench [options]

          --scenario <name>     scenario to run (default: health); one of: {scenarios}
          --concurrency <list>  comma-separated worker counts, one level each (default: 1,8,32)
          --duration <seconds>  measured time per level (default: 10)
          --warmup <seconds>    unrecorded time before each level (default: 3; 0 for none)
          --timeout <seconds>   per-request timeout (default: 30); for fanout, send-dialog and send-group also how
                                long one event may take to reach every receiver
          --receivers <list>    fanout, send-dialog, send-group: comma-separated receiver counts N, one level each;
                                each level registers a sender and N receivers, makes one chat of them and connects
                                a SignalR client per receiver through /api/negotiate (send-*: the sender's too).
                                fanout: a group, default 2,50,500; send-dialog: a dialog, 1 (the only count);
                                send-group: a group of N + 1, default 49
          --messages <count>    fanout, send-dialog, send-group: measured events per level, sent one at a time
                                (default: 200)
          --images <list>       media-image: comma-separated image counts N, one level each (default: 20); each
                                level uploads N 12-megapixel JPEGs unmeasured, then completes them all at once
                                and times processing until every one is ready
          --faults <list>       faults: comma-separated faults to inject, in order (default: all, {faults})
          --outage <seconds>    faults: how long a stopped service stays down (default: 10)
          --chats <count>       faults: groups sending at once (default: 4)
          --members <count>     faults: members of each group, all connected (default: 3)
          --minutes <minutes>   soak: how long the mixed load runs (default: 10), with a reading every 30 s
          --durability <mode>   the started stack's PostgreSQL: production (default: fsync, synchronous_commit and
                                full_page_writes on, as Azure runs; every published figure) or fast (all three
                                off, as the tests run: only to show what the commit's flush costs). faults refuses
                                fast: a crash then loses acknowledged commits
          --url <url>           measure an app that is already running on loopback, e.g. http://127.0.0.1:7071/
                                (a bare host:port/ gets the route prefix api/; worker memory and fanout's SignalR
                                REST calls are then not known). Without --url a throwaway stack (PostgreSQL,
                                PgBouncer, Azurite, the SignalR emulator, the app under the DevHost) is started
                                from src/Functions/bin/Release (else Debug) and stopped after; as every request
                                comes from 127.0.0.1, it gets generous abuse limits:
        {settings}
                                An app given with --url keeps its own limits: for the register, login, fanout and
                                send-* scenarios start it with limits at least that generous, or the run fills up with
                                429s. history-newest, history-deep, pgbench, media-image, upload-direct and
                                upload-api need the started stack's database or storage (they use them directly) and
                                refuse --url.
          --json <path>         where to write the results (default: <repo>/bench-results/<scenario>.json)
          --help                show this text

        exit codes: 0 success, 1 a level had more than 1% errors (fanout, send-dialog, send-group: any missed delivery or
                    error; media-image: any image not ready), 2 bad arguments, 130 interrupted
        """;

    public string Scenario { get; init; } = "health";

    public IReadOnlyList<int> Concurrency { get; init; } = [1, 8, 32];

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(3);

    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>--receivers, or null for the delivery workload's own default.</summary>
    public IReadOnlyList<int>? Receivers { get; init; }

    public int Messages { get; init; } = 200;

    /// <summary>media-image: images per level.</summary>
    public IReadOnlyList<int> Images { get; init; } = [20];

    /// <summary>The faults scenario's own options (--faults, --outage, --chats, --members).</summary>
    public Faults.FaultOptions Faults { get; init; } = new();

    /// <summary>The soak scenario's own options (--minutes).</summary>
    public Soak.SoakOptions Soak { get; init; } = new();

    public PostgresDurability Durability { get; init; } = PostgresDurability.Production;

    public Uri? Url { get; init; }

    public string? JsonPath { get; init; }

    public bool Help { get; init; }

    public static string UsageText(IEnumerable<string> scenarios) => Usage
        .Replace("{scenarios}", string.Join(", ", scenarios), StringComparison.Ordinal)
        .Replace("{faults}", string.Join(",", Bench.Faults.Fault.Names), StringComparison.Ordinal)
        .Replace(
            "{settings}",
            string.Join(Environment.NewLine, BenchTarget.StartedAppSettings.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"                          {s.Key}={s.Value}")),
            StringComparison.Ordinal);

    /// <summary>Parses <paramref name="args"/>; on failure returns null and says why in <paramref name="error"/>.</summary>
    public static BenchOptions? Parse(IReadOnlyList<string> args, IReadOnlyCollection<string> scenarios, out string? error)
    {
        var options = new BenchOptions();
        error = null;
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (name is "--help" or "-h")
            {
                return options with { Help = true };
            }

            if (i + 1 >= args.Count)
            {
                error = $"{name} needs a value (or is unknown).";
                return null;
            }

            var value = args[++i];
            switch (name)
            {
                case "--scenario" when scenarios.Contains(value):
                    options = options with { Scenario = value };
                    break;
                case "--scenario":
                    error = $"Unknown scenario '{value}'; known: {string.Join(", ", scenarios)}.";
                    return null;
                case "--concurrency":
                    options = options with { Concurrency = Counts(name, value, max: 1024, ref error) };
                    break;
                case "--receivers":
                    options = options with { Receivers = Counts(name, value, max: 2000, ref error) };
                    break;
                case "--images":
                    // Bounded: every image (~8 MB and its outputs) stays in the in-memory Azurite until the level ends.
                    options = options with { Images = Counts(name, value, max: 200, ref error) };
                    break;
                case "--messages" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var messages) && messages is >= 1 and <= 10_000:
                    options = options with { Messages = messages };
                    break;
                case "--messages":
                    // Bounded: a level keeps messages × receivers timestamps, and its tokens last 15 minutes.
                    error = $"--messages wants an integer 1..10000, not '{value}'.";
                    return null;
                case "--duration":
                    options = options with { Duration = Seconds(name, value, min: 0.1, ref error) };
                    break;
                case "--warmup":
                    options = options with { Warmup = Seconds(name, value, min: 0, ref error) };
                    break;
                case "--timeout":
                    options = options with { RequestTimeout = Seconds(name, value, min: 0.1, ref error) };
                    break;
                case "--url":
                    // Only loopback: a load generator must never be pointed at someone else's server by a typo.
                    if (!Uri.TryCreate(value, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || !url.IsLoopback)
                    {
                        error = $"--url must be an absolute http(s) URL on loopback (localhost, 127.0.0.1, [::1]), not '{value}'.";
                        return null;
                    }

                    options = options with { Url = url };
                    break;
                case "--faults" when value.Split(',', StringSplitOptions.TrimEntries) is var faults && faults.All(Bench.Faults.Fault.Names.Contains):
                    options = options with { Faults = options.Faults with { Faults = faults } };
                    break;
                case "--faults":
                    error = $"--faults wants a comma-separated list of {string.Join(", ", Bench.Faults.Fault.Names)}, not '{value}'.";
                    return null;
                case "--outage":
                    options = options with { Faults = options.Faults with { Outage = Seconds(name, value, min: 1, ref error) } };
                    break;
                case "--chats":
                    options = options with { Faults = options.Faults with { Chats = Counts(name, value, max: 64, ref error).FirstOrDefault() } };
                    break;
                case "--members":
                    options = options with { Faults = options.Faults with { Members = Math.Max(2, Counts(name, value, max: 50, ref error).FirstOrDefault()) } };
                    break;
                case "--minutes" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var minutes) && minutes is >= 1 and <= 240:
                    options = options with { Soak = options.Soak with { Duration = TimeSpan.FromMinutes(minutes) } };
                    break;
                case "--minutes":
                    error = $"--minutes wants minutes between 1 and 240, not '{value}'.";
                    return null;
                case "--durability" when Enum.TryParse<PostgresDurability>(value, ignoreCase: true, out var durability) && Enum.IsDefined(durability) && !char.IsDigit(value[0]):
                    options = options with { Durability = durability };
                    break;
                case "--durability":
                    error = $"--durability wants production or fast, not '{value}'.";
                    return null;
                case "--json":
                    options = options with { JsonPath = value };
                    break;
                default:
                    error = $"Unknown option '{name}'.";
                    return null;
            }

            if (error is not null)
            {
                return null;
            }
        }

        if (options.Scenario == Bench.Faults.FaultRunner.Name && options.Durability != PostgresDurability.Production)
        {
            error = "faults runs with production durability only: with the fast settings a crash loses acknowledged commits.";
            return null;
        }

        return options;
    }

    private static List<int> Counts(string name, string value, int max, ref string? error)
    {
        var counts = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(v => int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= max ? n : -1)
            .ToList();
        if (counts.Count == 0 || counts.Contains(-1))
        {
            error = $"{name} wants a comma-separated list of integers 1..{max}, not '{value}'.";
        }

        return counts;
    }

    // An hour caps any level: a mistyped duration must not turn into a run that never ends.
    private static TimeSpan Seconds(string name, string value, double min, ref string? error)
    {
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= min && seconds <= 3600)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        error = $"{name} wants seconds between {min.ToString(CultureInfo.InvariantCulture)} and 3600, not '{value}'.";
        return TimeSpan.Zero;
    }
}
