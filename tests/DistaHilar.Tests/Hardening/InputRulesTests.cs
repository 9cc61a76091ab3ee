using System.Text;
using System.Text.Json;
using DistaHilar.Core.Common;
using DistaHilar.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace DistaHilar.Tests.Hardening;

/// <summary>The pure rules behind "bad input is a 4xx problem": text checks, UTC timestamps, problem types, SQLSTATE mapping.</summary>
public sealed class InputRulesTests
{
    [Theory]
    [InlineData("""{"a":"plain","b":"tab\tand\nlines\r\n","c":"👍"}""", null)]
    [InlineData("""{"login":"a\u0000b"}""", "login")]
    [InlineData("""{"x":{"name":"a\u0001b"}}""", "name")]
    [InlineData("""{"list":["ok","\u001b[31m"]}""", "list")]
    [InlineData("""{"text":"half a pair \ud83d here"}""", "text")]
    [InlineData("""{"text":"\udc00"}""", "text")]
    [InlineData("""{"a\u0000":1}""", "body")]
    [InlineData("""{"a":""", "body")]
    [InlineData("""{"a":1,}""", "body")]
    public void Json_text_is_checked_before_binding(string json, string? field)
    {
        var problem = TextInput.CheckJson(Encoding.UTF8.GetBytes(json));

        if (field is null)
        {
            Assert.Null(problem);
        }
        else
        {
            Assert.NotNull(problem);
            Assert.Equal(ProblemKind.Validation, problem.Kind);
            Assert.Equal(field, Assert.Single(problem.Fields!).Key);
        }
    }

    [Fact]
    public void Invalid_utf8_and_deep_nesting_are_refused()
    {
        Assert.NotNull(TextInput.CheckJson([.. "{\"bio\":\"a"u8, 0xFF, 0xFE, .. "\"}"u8]));
        Assert.NotNull(TextInput.CheckJson([.. "{\"bio\":\""u8, 0xED, 0xA0, 0x80, .. "\"}"u8])); // a surrogate encoded as UTF-8
        Assert.NotNull(TextInput.CheckJson(Encoding.UTF8.GetBytes(new string('[', 65) + new string(']', 65))));
        Assert.Null(TextInput.CheckJson(Encoding.UTF8.GetBytes(new string('[', 63) + new string(']', 63))));
    }

    [Fact]
    public void Timestamps_with_an_offset_are_read_as_the_same_instant_in_utc()
    {
        var options = new JsonSerializerOptions { Converters = { new UtcDateTimeOffsetConverter() } };

        var value = JsonSerializer.Deserialize<DateTimeOffset?>("\"2030-01-01T03:00:00+03:00\"", options)!.Value;

        Assert.Equal(TimeSpan.Zero, value.Offset);
        Assert.Equal(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero), value);
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<DateTimeOffset>("5", options));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<DateTimeOffset>("\"yesterday\"", options));
    }

    private sealed record TimeCursor(DateTimeOffset At, Guid Id);

    private sealed record TextCursor(string After);

    [Fact]
    public void Cursors_decode_to_utc_and_refuse_text_the_database_cannot_take()
    {
        var id = Guid.NewGuid();
        var offset = Base64Url("{\"At\":\"2030-01-01T03:00:00+03:00\",\"Id\":\"" + id + "\"}");

        var decoded = Cursor.Decode<TimeCursor>(offset);

        Assert.True(decoded.IsSuccess);
        Assert.Equal(TimeSpan.Zero, decoded.Value.At.Offset);
        Assert.Equal(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero), decoded.Value.At);
        Assert.False(Cursor.Decode<TextCursor>(Base64Url("{\"After\":\"a\\u0000b\"}")).IsSuccess);
        Assert.False(Cursor.Decode<TextCursor>(Base64Url("{\"After\":\"\\ud800\"}")).IsSuccess);
        Assert.Equal("abc", Cursor.Decode<TextCursor>(Cursor.Encode(new TextCursor("abc"))).Value!.After);
    }

    [Fact]
    public async Task Every_problem_kind_answers_problem_json_with_a_type_title_and_status()
    {
        foreach (var kind in Enum.GetValues<ProblemKind>())
        {
            var http = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider() };
            http.Response.Body = new MemoryStream();

            await new ApiProblem(new Problem(kind, "Something about " + kind, RetryAfter: kind == ProblemKind.RateLimited ? TimeSpan.FromSeconds(3) : null)).ExecuteAsync(http);

            http.Response.Body.Position = 0;
            var body = await JsonSerializer.DeserializeAsync<JsonElement>(http.Response.Body, cancellationToken: TestContext.Current.CancellationToken);
            Assert.StartsWith("application/problem+json", http.Response.ContentType, StringComparison.Ordinal);
            Assert.Equal(ApiProblem.StatusFor(kind), http.Response.StatusCode);
            Assert.Equal(http.Response.StatusCode, body.GetProperty("status").GetInt32());
            Assert.StartsWith("https://tools.ietf.org/html/rfc", body.GetProperty("type").GetString(), StringComparison.Ordinal);
            Assert.Equal("Something about " + kind, body.GetProperty("title").GetString());
        }
    }

    [Theory]
    [InlineData("08006", ExceptionMiddleware.Outcome.Unavailable)] // connection failure
    [InlineData("08P01", ExceptionMiddleware.Outcome.Unavailable)] // PgBouncer: pool full, query_wait_timeout
    [InlineData("53300", ExceptionMiddleware.Outcome.Unavailable)] // too many connections
    [InlineData("57P01", ExceptionMiddleware.Outcome.Unavailable)] // admin shutdown
    [InlineData("57P03", ExceptionMiddleware.Outcome.Unavailable)] // cannot connect now
    [InlineData("57014", ExceptionMiddleware.Outcome.Unavailable)] // statement timeout
    [InlineData("58030", ExceptionMiddleware.Outcome.Unavailable)] // I/O error
    [InlineData("55P03", ExceptionMiddleware.Outcome.Unavailable)] // lock timeout
    [InlineData("22021", ExceptionMiddleware.Outcome.BadData)] // a NUL in text
    [InlineData("22001", ExceptionMiddleware.Outcome.BadData)] // value too long
    [InlineData("22P02", ExceptionMiddleware.Outcome.BadData)] // invalid text representation
    [InlineData("22008", ExceptionMiddleware.Outcome.BadData)] // datetime out of range
    [InlineData("54000", ExceptionMiddleware.Outcome.BadData)] // index row / tsvector too large
    [InlineData("23502", ExceptionMiddleware.Outcome.BadData)]
    [InlineData("23514", ExceptionMiddleware.Outcome.BadData)]
    [InlineData("23505", ExceptionMiddleware.Outcome.Conflict)]
    [InlineData("23P01", ExceptionMiddleware.Outcome.Conflict)]
    [InlineData("23503", ExceptionMiddleware.Outcome.Conflict)]
    [InlineData("40001", ExceptionMiddleware.Outcome.Conflict)]
    [InlineData("40P01", ExceptionMiddleware.Outcome.Conflict)]
    [InlineData("42601", ExceptionMiddleware.Outcome.Internal)] // our SQL is wrong: a bug, not the client's input
    [InlineData("42703", ExceptionMiddleware.Outcome.Internal)]
    [InlineData("XX000", ExceptionMiddleware.Outcome.Internal)]
    public void Postgres_errors_are_classified_by_sqlstate(string sqlState, ExceptionMiddleware.Outcome expected)
    {
        var error = new PostgresException("m", "ERROR", "ERROR", sqlState);

        Assert.Equal(expected, ExceptionMiddleware.Classify(error));
        Assert.Equal(expected, ExceptionMiddleware.Classify(new Microsoft.EntityFrameworkCore.DbUpdateException("wrapped", error)));
        Assert.Equal(expected, ExceptionMiddleware.Classify(new InvalidOperationException("wrapped", error)));
    }

    [Fact]
    public void Failures_without_a_server_answer_are_unavailability()
    {
        Assert.Equal(ExceptionMiddleware.Outcome.Unavailable, ExceptionMiddleware.Classify(new NpgsqlException("connection refused", new System.Net.Sockets.SocketException())));
        Assert.Equal(ExceptionMiddleware.Outcome.Unavailable, ExceptionMiddleware.Classify(new TimeoutException()));
        Assert.Equal(ExceptionMiddleware.Outcome.Internal, ExceptionMiddleware.Classify(new FormatException()));
        Assert.Equal(ExceptionMiddleware.Outcome.Internal, ExceptionMiddleware.Classify(new ArgumentException("Cannot write DateTimeOffset with Offset=03:00:00")));
    }

    private static string Base64Url(string json) => System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));
}
