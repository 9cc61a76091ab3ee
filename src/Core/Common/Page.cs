using System.Buffers.Text;
using System.Text.Json;

namespace DistaHilar.Core.Common;

/// <summary>A page of a list: <c>{items, nextCursor}</c>; nextCursor is null on the last page.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>Paging input as clients send it: <c>?limit=</c> (default 50, max 100) and an opaque <c>cursor</c>.</summary>
public sealed record PageRequest(int Limit, string? Cursor)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 100;

    public static Result<PageRequest> Parse(string? limit, string? cursor) =>
        TryParseLimit(limit, DefaultLimit, MaxLimit, out var size)
            ? new PageRequest(size, string.IsNullOrEmpty(cursor) ? null : cursor)
            : Problem.Validation("limit", LimitMessage(MaxLimit));

    /// <summary><c>?limit=</c> for any list: absent or empty is the default, else plain digits from 1 to the maximum.</summary>
    public static bool TryParseLimit(string? text, int defaultLimit, int maxLimit, out int limit)
    {
        limit = defaultLimit;
        return string.IsNullOrEmpty(text)
            || (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out limit) && limit >= 1 && limit <= maxLimit);
    }

    public static string LimitMessage(int maxLimit) => $"limit must be a whole number from 1 to {maxLimit}.";
}

/// <summary>
/// Opaque keyset cursors: the sort key of the last item, as base64url JSON. Clients treat them as strings; a cursor
/// that does not decode is a 400, never a 500. A cursor is client input like any other: its text is checked and its
/// timestamps are read as UTC, so a hand-made one cannot reach the database with a NUL or a "+03:00" offset.
/// </summary>
public static class Cursor
{
    private static readonly JsonSerializerOptions Json = new() { Converters = { new UtcDateTimeOffsetConverter() } };

    public static string Encode<T>(T key) => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(key, Json));

    public static Result<T> Decode<T>(string cursor)
        where T : class
    {
        try
        {
            var bytes = Base64Url.DecodeFromChars(cursor);
            if (TextInput.CheckJson(bytes) is not null)
            {
                return Problem.Validation("cursor", "The cursor is not valid.");
            }

            var key = JsonSerializer.Deserialize<T>(bytes, Json);
            return key is null ? Problem.Validation("cursor", "The cursor is not valid.") : key;
        }
        catch (Exception ex) when (ex is FormatException or JsonException or ArgumentException)
        {
            return Problem.Validation("cursor", "The cursor is not valid.");
        }
    }
}
