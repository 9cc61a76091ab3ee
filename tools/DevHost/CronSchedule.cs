using System.Globalization;

namespace DistaHilar.DevHost;

/// <summary>
/// A timer trigger schedule: six-field NCRONTAB (<c>sec min hour day month day-of-week</c>, numbers with
/// <c>*</c>, lists, ranges and steps; day and day-of-week must both match) or a <c>hh:mm:ss</c> interval.
/// Times are UTC, as on Azure unless WEBSITE_TIME_ZONE is set.
/// </summary>
public sealed class CronSchedule
{
    private static readonly (int Min, int Max)[] Ranges = [(0, 59), (0, 59), (0, 23), (1, 31), (1, 12), (0, 6)];
    private readonly bool[][]? fields;
    private readonly TimeSpan? interval;

    private CronSchedule(bool[][]? fields, TimeSpan? interval)
    {
        this.fields = fields;
        this.interval = interval;
    }

    public static CronSchedule Parse(string expression)
    {
        if (TimeSpan.TryParseExact(expression, @"hh\:mm\:ss", CultureInfo.InvariantCulture, out var every) && every > TimeSpan.Zero)
        {
            return new CronSchedule(null, every);
        }

        var parts = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 6)
        {
            throw new FormatException($"'{expression}' is not a six-field NCRONTAB expression or an hh:mm:ss interval.");
        }

        return new CronSchedule(parts.Select((p, i) => ParseField(p, Ranges[i], expression)).ToArray(), null);
    }

    /// <summary>The first occurrence strictly after <paramref name="after"/>.</summary>
    public DateTimeOffset Next(DateTimeOffset after)
    {
        if (interval is { } every)
        {
            return after + every;
        }

        var t = new DateTimeOffset(after.UtcDateTime.Ticks - (after.UtcDateTime.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero).AddSeconds(1);
        var limit = t.AddYears(5);
        var f = fields!;
        while (t < limit)
        {
            if (!f[4][t.Month])
            {
                t = new DateTimeOffset(t.Year, t.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1);
            }
            else if (!f[3][t.Day] || !f[5][(int)t.DayOfWeek])
            {
                t = new DateTimeOffset(t.Year, t.Month, t.Day, 0, 0, 0, TimeSpan.Zero).AddDays(1);
            }
            else if (!f[2][t.Hour])
            {
                t = new DateTimeOffset(t.Year, t.Month, t.Day, t.Hour, 0, 0, TimeSpan.Zero).AddHours(1);
            }
            else if (!f[1][t.Minute])
            {
                t = new DateTimeOffset(t.Year, t.Month, t.Day, t.Hour, t.Minute, 0, TimeSpan.Zero).AddMinutes(1);
            }
            else if (!f[0][t.Second])
            {
                t = t.AddSeconds(1);
            }
            else
            {
                return t;
            }
        }

        throw new InvalidOperationException("The schedule has no occurrence within five years.");
    }

    private static bool[] ParseField(string field, (int Min, int Max) range, string expression)
    {
        var allowed = new bool[range.Max + 1];
        foreach (var item in field.Split(','))
        {
            var (body, step) = item.Split('/') switch
            {
                [var b] => (b, 1),
                [var b, var s] when int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 => (b, n),
                _ => throw Bad(expression, item),
            };
            int from, to;
            if (body == "*")
            {
                (from, to) = range;
            }
            else if (body.Split('-') is [var a, var b] && Number(a, range) is { } x && Number(b, range) is { } y && x <= y)
            {
                (from, to) = (x, y);
            }
            else if (Number(body, range) is { } single)
            {
                (from, to) = (single, step > 1 ? range.Max : single);
            }
            else
            {
                throw Bad(expression, item);
            }

            for (var v = from; v <= to; v += step)
            {
                allowed[v] = true;
            }
        }

        return allowed;
    }

    private static int? Number(string text, (int Min, int Max) range) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v >= range.Min && v <= range.Max ? v : null;

    private static FormatException Bad(string expression, string item) => new($"'{item}' in schedule '{expression}' is not supported (numbers, *, lists, ranges and steps only).");
}
