using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;

namespace DistaHilar.Core.Common;

/// <summary>
/// What text from a client may contain at all, whatever the field: well-formed UTF-8 / UTF-16 (no lone surrogates,
/// which no encoder can write to the database) and no control characters but tab, line feed and carriage return
/// (PostgreSQL cannot store NUL; the others are never meant in a name, a query or a message). Fields check their
/// own, stricter rules on top (single-line fields refuse line breaks too).
/// </summary>
public static class TextInput
{
    public const string ControlMessage = "Control characters (other than tab and line breaks) and broken Unicode are not allowed.";

    /// <summary>True when every character is allowed in some field: no lone surrogate, no control character but \t \n \r.</summary>
    public static bool IsAllowed(ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c) || (char.IsControl(c) && c is not ('\t' or '\n' or '\r')))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Checks a JSON document before it is bound: UTF-8 that decodes, syntax, and every string (property names too)
    /// against <see cref="IsAllowed"/>. Returns the problem naming the nearest property, or null when the text is fine.
    /// Bodies are small (a few KiB, capped at 64 KiB), so the extra pass costs microseconds.
    /// </summary>
    public static Problem? CheckJson(ReadOnlySpan<byte> utf8, string rootField = "body")
    {
        if (!Utf8.IsValid(utf8))
        {
            return Problem.Validation(rootField, "The body is not valid UTF-8.");
        }

        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = 64 });
        var names = new Stack<string>();
        var current = rootField;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        names.Push(current);
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        current = names.Count > 0 ? names.Pop() : rootField;
                        break;
                    case JsonTokenType.PropertyName:
                        var name = reader.GetString()!;
                        if (!IsAllowed(name))
                        {
                            return Problem.Validation(rootField, ControlMessage);
                        }

                        current = name;
                        break;
                    case JsonTokenType.String:
                        if (!IsAllowed(reader.GetString()))
                        {
                            return Problem.Validation(current, ControlMessage);
                        }

                        break;
                }
            }
        }
        catch (JsonException)
        {
            return Problem.Validation(rootField, "The body is not valid JSON.");
        }
        catch (InvalidOperationException)
        {
            // An escaped lone surrogate (\ud800) fails as it is unescaped.
            return Problem.Validation(current, ControlMessage);
        }

        return null;
    }
}

/// <summary>
/// Reads every timestamp as the same instant in UTC: PostgreSQL's timestamptz keeps only the instant, and Npgsql
/// refuses to write a DateTimeOffset whose offset is not zero, so "+03:00" from a client must not reach it as such.
/// </summary>
public sealed class UtcDateTimeOffsetConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String || !reader.TryGetDateTimeOffset(out var value))
        {
            throw new JsonException("A timestamp must be an ISO 8601 string with a time zone.");
        }

        return value.ToUniversalTime();
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value);
    }
}
