using DistaHilar.DevHost;

namespace DistaHilar.Tests.Unit;

public sealed class CronScheduleTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 10, 7, 30, TimeSpan.Zero);

    [Theory]
    [InlineData("0 */5 * * * *", "2026-11-25T10:10:00Z")]
    [InlineData("*/10 * * * * *", "2026-11-25T10:07:40Z")]
    [InlineData("0 0 3 * * *", "2026-11-26T03:00:00Z")]
    [InlineData("0 30 9 * * 1-5", "2026-11-26T09:30:00Z")]
    [InlineData("0 0 0 1 1 *", "2027-01-01T00:00:00Z")]
    [InlineData("15,45 7 10 * * *", "2026-11-25T10:07:45Z")]
    [InlineData("00:01:00", "2026-11-25T10:08:30Z")]
    public void Next_occurrence(string expression, string expected) =>
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), CronSchedule.Parse(expression).Next(Start));

    [Theory]
    [InlineData("* * * * *")]
    [InlineData("0 0 0 * JAN *")]
    [InlineData("0 61 * * * *")]
    [InlineData("0 */0 * * * *")]
    public void Unsupported_expressions_are_rejected(string expression) =>
        Assert.Throws<FormatException>(() => CronSchedule.Parse(expression));
}
