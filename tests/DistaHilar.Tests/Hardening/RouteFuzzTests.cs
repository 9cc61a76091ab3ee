using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using DistaHilar.Core.Realtime;
using DistaHilar.Dev;
using DistaHilar.Functions.Http;
using DistaHilar.LocalServices;
using DistaHilar.SignalREmulator;
using DistaHilar.Tests.Accounts;
using DistaHilar.Tests.Chats;
using DistaHilar.Tests.Infrastructure;
using Microsoft.Azure.Functions.Worker;
using Npgsql;
using Emulator = DistaHilar.SignalREmulator.SignalREmulator;

namespace DistaHilar.Tests.Hardening;

/// <summary>
/// Bad input on every HTTP function, generated from the functions themselves (their <c>[Function]</c> and
/// <c>[HttpTrigger]</c> attributes, the route's parameters and types, and which body reader the code calls), so a new
/// route is fuzzed without anyone adding it here. Each request must be answered with a 4xx problem
/// (application/problem+json with type, title, status), never a 5xx, and the whole database must be unchanged.
/// It runs on services of its own, so the before/after checksum of every table is not disturbed by other tests.
/// </summary>
public sealed partial class RouteFuzzTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// Tables a refused request may still change, each for a reason of its own: none today. Login and registration
    /// validate their input before they count an attempt, and tokens are checked without the database (no
    /// last-used write per request).
    /// </summary>
    private static readonly HashSet<string> MayChange = [];

    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Every_route_answers_bad_input_with_a_4xx_problem_and_writes_nothing()
    {
        await using var servers = await LocalServers.StartAsync(TestEnvironment.LoggerFactory, Ct);
        var port = FreePort.Next();
        await using var emulator = await Emulator.StartAsync(new EmulatorOptions
        {
            UpstreamUrlTemplate = DevEnvironment.UpstreamUrlTemplate(port),
            LoggerFactory = TestEnvironment.LoggerFactory,
        }, Ct);
        var settings = TestEnvironment.With(TestEnvironment.With(servers.AppSettings, TestEnvironment.GenerousLimits), TestEnvironment.RealtimeSettings(emulator));
        await using var app = await TestEnvironment.StartHostAsync(TestEnvironment.FunctionsAppDirectory, settings, runNonHttpTriggers: false, httpPort: port);
        using var http = AccountsApi.Client(app.BaseAddress);

        var resources = await SetUpAsync(http);
        var functions = HttpFunctions();
        var cases = functions.SelectMany(f => Cases(f, resources)).ToList();
        var before = await SnapshotAsync(servers.Postgres.DirectConnectionString);

        var failures = new ConcurrentBag<string>();
        var watch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = Ct }, async (c, ct) =>
        {
            using var request = new HttpRequestMessage(c.Method, c.Path) { Content = c.Content?.Invoke() };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", resources.Token);
            if (c.Function == "SignalRUpstream" && c.Signed)
            {
                request.Headers.Add("X-ASRS-Connection-Id", "fuzz-connection");
                request.Headers.Add("X-ASRS-User-Id", resources.UserId.ToString());
                request.Headers.Add("X-ASRS-Signature", UpstreamSignature.For(emulator.AccessKey, "fuzz-connection"));
            }

            // Each bad request must be answered promptly. The bound is per request, not on the client: the set-up above
            // is the fresh worker's first use of Entity Framework (seconds under load), which no tight bound should race.
            using var answered = CancellationTokenSource.CreateLinkedTokenSource(ct);
            answered.CancelAfter(AnswerTimeout);
            try
            {
                using var response = await http.SendAsync(request, answered.Token);
                var status = (int)response.StatusCode;
                var body = await response.Content.ReadAsStringAsync(answered.Token);
                if (Judge(c, response, status, body) is { } why)
                {
                    failures.Add($"{c.Function} {c.Method} {c.Path} [{c.Label}] → {status} {response.Content.Headers.ContentType} {body[..Math.Min(body.Length, 300)]}: {why}");
                }
            }
            catch (OperationCanceledException) when (answered.IsCancellationRequested && !ct.IsCancellationRequested)
            {
                failures.Add($"{c.Function} {c.Method} {c.Path} [{c.Label}] → no answer within {AnswerTimeout.TotalSeconds:0.#} s");
            }
        });
        watch.Stop();
        TestContext.Current.TestOutputHelper?.WriteLine($"{cases.Count} requests to {functions.Count} functions in {watch.Elapsed.TotalSeconds:0.0} s");

        Assert.True(failures.IsEmpty, $"{failures.Count} of {cases.Count} requests:\n" + string.Join("\n", failures.Order(StringComparer.Ordinal)));
        var after = await SnapshotAsync(servers.Postgres.DirectConnectionString);
        var changed = before.Where(t => !MayChange.Contains(t.Key) && after.GetValueOrDefault(t.Key) != t.Value).Select(t => $"{t.Key}: {t.Value} → {after.GetValueOrDefault(t.Key)}").ToList();
        Assert.True(changed.Count == 0, "Refused requests wrote:\n" + string.Join("\n", changed));
        Assert.True(functions.Count >= 80, $"only {functions.Count} HTTP functions were found");
    }

    [Fact]
    public void The_body_reader_each_function_calls_is_found_in_its_code()
    {
        var functions = HttpFunctions().ToDictionary(f => f.Name);

        Assert.Equal((BodyKind.Json, typeof(Core.Messages.SendMessageRequest)), (functions["SendMessage"].Body, functions["SendMessage"].BodyType));
        Assert.Equal((BodyKind.Json, typeof(Core.Chats.CreateChatRequest)), (functions["CreateGroup"].Body, functions["CreateGroup"].BodyType)); // read in a helper
        Assert.Equal(BodyKind.OptionalJson, functions["MuteChat"].Body);
        Assert.Equal(BodyKind.Multipart, functions["UploadMedia"].Body);
        Assert.Equal(BodyKind.Json, functions["SignalRUpstream"].Body); // read by hand
        Assert.Equal(BodyKind.None, functions["LeaveChat"].Body);
        Assert.Equal(typeof(Guid), functions["GetChat"].RouteParameters["chatId"]);
        Assert.Equal(typeof(string), functions["JoinByInvite"].RouteParameters["inviteCode"]);
    }

    /// <summary>What the generated requests say: 4xx required, or (for unusual but valid GETs) only no 5xx.</summary>
    private static string? Judge(FuzzCase c, HttpResponseMessage response, int status, string body)
    {
        if (status >= 500)
        {
            return "a server error";
        }

        if (status < 400)
        {
            return c.MustFail ? "bad input was accepted" : null;
        }

        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return "not application/problem+json";
        }

        try
        {
            var problem = JsonSerializer.Deserialize<JsonElement>(body);
            return problem.TryGetProperty("type", out var type) && type.GetString() is { Length: > 0 }
                && problem.TryGetProperty("title", out var title) && title.GetString() is { Length: > 0 }
                && problem.TryGetProperty("status", out var s) && s.GetInt32() == status
                    ? null
                    : "a problem without type, title or the status";
        }
        catch (JsonException)
        {
            return "a problem body that is not JSON";
        }
    }

    private sealed record FuzzCase(string Function, HttpMethod Method, string Path, Func<HttpContent>? Content, string Label, bool MustFail, bool Signed = true);

    /// <summary>Real resources of the calling user, so requests get past "not found" to the input they carry.</summary>
    private sealed record Resources(string Token, Guid UserId, IReadOnlyDictionary<string, string> Values);

    private static async Task<Resources> SetUpAsync(HttpClient http)
    {
        var me = await ChatUser.RegisterAsync(http);
        var other = await ChatUser.RegisterAsync(http);
        var group = await me.CreateGroupAsync(members: [other]);
        var dialog = (await me.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "api/chats/dialogs", new { userId = other.Id })).GetProperty("id").GetGuid();
        var message = (await me.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, $"api/chats/{group}/messages", new { clientMessageId = "fuzz", text = "fuzz" })).GetProperty("id").GetGuid();
        var folder = (await me.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "api/folders", new { name = "Fuzz", chatIds = new[] { group } })).GetProperty("id").GetGuid();
        await me.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "api/contacts", new { userId = other.Id });
        var media = (await me.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "api/media/uploads", new { fileName = "a.jpg", contentType = "image/jpeg", size = 10, kind = "image" })).GetProperty("mediaId").GetGuid();
        var call = (await me.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "api/calls", new { chatId = dialog })).GetProperty("id").GetGuid();
        var session = (await me.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "api/auth/sessions")).GetProperty("items")[0].GetProperty("id").GetGuid();
        var invite = (await me.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/chats/{group}/invite-link")).GetProperty("inviteCode").GetString()!;
        return new Resources(me.Token, me.Id, new Dictionary<string, string>
        {
            ["chatId"] = group.ToString(),
            ["messageId"] = message.ToString(),
            ["userId"] = other.Id.ToString(),
            ["folderId"] = folder.ToString(),
            ["mediaId"] = media.ToString(),
            ["callId"] = call.ToString(),
            ["sessionId"] = session.ToString(),
            ["inviteCode"] = invite,
            ["key"] = "no-such-avatar",
            ["category"] = "messages",
            ["event"] = "typing",
        });
    }

    private static IEnumerable<FuzzCase> Cases(HttpFunction f, Resources resources)
    {
        var method = new HttpMethod(f.Methods[0]);
        string Path(string? parameter = null, string? value = null, string query = "") =>
            "api/" + RouteParameter().Replace(f.Route, m =>
            {
                var name = m.Groups[1].Value;
                return name == parameter ? value! : resources.Values.TryGetValue(name, out var v) ? v : throw new InvalidOperationException($"{f.Name}: no resource for route parameter {name}: add one to SetUpAsync");
            }) + query;
        Func<HttpContent>? Empty() => f.Body is BodyKind.Json or BodyKind.OptionalJson ? () => Json("{}") : null;

        // Bad ids in every route parameter, the others real: refused before the function runs (404 / 400).
        foreach (var (name, type) in f.RouteParameters)
        {
            var values = type == typeof(Guid)
                ? new[] { "not-a-guid", "%01", "%F0%9F%92%A9", new string('a', 300), "00000000-0000-0000-0000-00000000000g", "%C3%28", "1%20OR%201=1" }
                : ["%01", "x%0Ay", new string('z', 300), "%C3%28", "no-such-thing", "%E2%80%AE"];
            foreach (var value in values)
            {
                yield return new FuzzCase(f.Name, method, Path(name, value), Empty(), $"{name}={value[..Math.Min(value.Length, 20)]}", MustFail: true);
            }

            if (type == typeof(Guid))
            {
                // Well-formed but nobody's: whatever the route answers, never a 5xx, never a write.
                yield return new FuzzCase(f.Name, method, Path(name, Guid.Empty.ToString()), Empty(), $"{name}=nil", MustFail: false);
            }
        }

        // Control characters anywhere in the query string: refused before the function runs, on every route.
        foreach (var query in new[] { "?q=%00", "?cursor=%01", "?limit=%0A5", "?x%00=1", "?since=a%7Fb" })
        {
            yield return new FuzzCase(f.Name, method, Path(query: query), Empty(), "query " + query, MustFail: true);
        }

        // Unusual values a GET may legitimately ignore: no 5xx, and a problem whenever it is refused.
        if (method == HttpMethod.Get)
        {
            var cursor = System.Buffers.Text.Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
            {
                ["LastActivityAt"] = "2030-01-01T00:00:00+03:00", ["JoinedAt"] = "2030-01-01T00:00:00-11:30", ["AddedAt"] = "2030-01-01T00:00:00+14:00",
                ["At"] = "0001-01-01T00:00:00+03:00", ["ChatId"] = Guid.Empty, ["UserId"] = Guid.Empty, ["Id"] = Guid.Empty, ["Before"] = Guid.Empty,
                ["After"] = "zzz", ["T"] = long.MaxValue, ["I"] = -1, ["Q"] = new string('q', 300),
            }));
            foreach (var query in new[]
            {
                "?limit=0", "?limit=-1", "?limit=99999999999999999999", "?limit=abc", "?cursor=%25%25%25", "?cursor=" + cursor,
                "?cursor=" + System.Buffers.Text.Base64Url.EncodeToString("[]"u8), "?since=" + cursor, "?q=" + new string('q', 3000),
                "?q=%C3%28", "?q=%F0%9F%92%A9", "?q=%27%20OR%201%3D1--", "?q=%25_%5C", "?before=nope&after=nope&around=nope", "?emoji=" + new string('e', 500),
            })
            {
                yield return new FuzzCase(f.Name, method, Path(query: query), null, "query " + query[..Math.Min(query.Length, 40)], MustFail: false);
            }
        }

        if (f.Body is BodyKind.Json or BodyKind.OptionalJson)
        {
            foreach (var (label, content) in JsonPayloads(f.BodyType))
            {
                yield return new FuzzCase(f.Name, method, Path(), content, label, MustFail: true);
            }
        }
        else if (f.Body == BodyKind.Multipart)
        {
            foreach (var (label, content) in MultipartPayloads())
            {
                yield return new FuzzCase(f.Name, method, Path(), content, label, MustFail: true);
            }
        }

        if (f.Name == "SignalRUpstream")
        {
            yield return new FuzzCase(f.Name, method, Path(), () => Json("""{"type":1,"target":"typing","arguments":[]}"""), "unsigned", MustFail: true, Signed: false);
        }
    }

    /// <summary>Bodies no JSON contract can accept: broken syntax, wrong shapes and types, text the database cannot take, too much.</summary>
    private static IEnumerable<(string Label, Func<HttpContent> Content)> JsonPayloads(Type? contract)
    {
        yield return ("json: {", () => Json("{"));
        yield return ("json: missing value", () => Json("{\"a\":}"));
        yield return ("json: trailing comma", () => Json("{\"a\":1,}"));
        yield return ("json: nul", () => Json("nul"));
        yield return ("json: xml", () => Json("<a/>"));
        yield return ("json: array root", () => Json("[]"));
        yield return ("json: string root", () => Json("\"text\""));
        yield return ("json: number root", () => Json("42"));
        yield return ("json: null root", () => Json("null"));
        yield return ("json: 200 deep", () => Json("{\"a\":" + new string('[', 200) + new string(']', 200) + "}"));
        yield return ("json: 100 KiB", () => Json("{\"a\":\"" + new string('x', 100_000) + "\"}"));
        yield return ("json: invalid utf-8", () => Bytes([.. "{\"a\":\"x"u8, 0xC3, 0x28, 0xFF, .. "\"}"u8], "application/json"));
        yield return ("json: lone surrogate", () => Json("{\"a\":\"\\ud800\"}"));
        yield return ("json: NUL", () => Json("{\"a\":\"x\\u0000y\"}"));
        yield return ("json: ESC", () => Json("{\"a\":\"\\u001b[2J\"}"));
        yield return ("json: NUL in a name", () => Json("{\"a\\u0000\":1}"));
        yield return ("text/plain", () => Bytes("{}"u8.ToArray(), "text/plain"));
        yield return ("form", () => Bytes("a=b"u8.ToArray(), "application/x-www-form-urlencoded"));
        yield return ("multipart", () => Bytes("--b\r\n\r\n--b--"u8.ToArray(), "multipart/form-data; boundary=b"));
        yield return ("no content type", () => new ByteArrayContent("{}"u8.ToArray()));

        // Each field of the contract alone, with a value of the wrong type, and (text fields) far too long.
        foreach (var (name, type) in Fields(contract))
        {
            if (WrongValue(type) is { } wrong)
            {
                yield return ($"{name}: wrong type", () => Json($"{{\"{name}\":{wrong}}}"));
            }

            if (type == typeof(string))
            {
                yield return ($"{name}: 60,000 characters", () => Json($"{{\"{name}\":\"{new string('w', 60_000)}\"}}"));
                yield return ($"{name}: control character", () => Json($"{{\"{name}\":\"x\\u0001y\"}}"));
            }
        }
    }

    private static IEnumerable<(string Label, Func<HttpContent> Content)> MultipartPayloads()
    {
        const string kind = "--b\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nimage\r\n";
        const string file = "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n";
        foreach (var (label, type, body) in new (string, string, string)[]
        {
            ("multipart: empty", "multipart/form-data; boundary=b", ""),
            ("multipart: random bytes", "multipart/form-data; boundary=b", "\u0001\u0002 not multipart"),
            ("multipart: wrong boundary", "multipart/form-data; boundary=zz", kind + file + "x\r\n--b--\r\n"),
            ("multipart: no boundary", "multipart/form-data", kind),
            ("multipart: cut off in the file", "multipart/form-data; boundary=b", kind + file + "half a file"),
            ("multipart: cut off in headers", "multipart/form-data; boundary=b", kind + "--b\r\nContent-Disposition: form-data"),
            ("multipart: huge header", "multipart/form-data; boundary=b", "--b\r\nX: " + new string('h', 20_000) + "\r\n\r\nx\r\n--b--\r\n"),
            ("multipart: no file part", "multipart/form-data; boundary=b", kind + "--b--\r\n"),
            ("multipart: json instead", "application/json", "{}"),
        })
        {
            yield return (label, () => Bytes(Encoding.UTF8.GetBytes(body), type));
        }
    }

    /// <summary>The JSON names (camelCase, as the web defaults bind them) and types of a contract's settable members.</summary>
    private static IEnumerable<(string Name, Type Type)> Fields(Type? contract)
    {
        if (contract is null || contract.IsGenericType)
        {
            return [];
        }

        return contract.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && p.DeclaringType == contract)
            .Select(p => (JsonNamingPolicy.CamelCase.ConvertName(p.Name), Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType));
    }

    private static string? WrongValue(Type type) =>
        type == typeof(string) ? "12345"
        : type == typeof(Guid) ? "\"not-a-guid\""
        : type == typeof(bool) ? "\"yes\""
        : type == typeof(DateTimeOffset) ? "\"yesterday\""
        : type.IsPrimitive || type == typeof(decimal) ? "\"many\""
        : type.IsEnum ? "\"nope\""
        : type == typeof(JsonElement) || type == typeof(object) ? null
        : typeof(System.Collections.IEnumerable).IsAssignableFrom(type) ? "{\"x\":1}"
        : "\"text\"";

    private static ByteArrayContent Json(string text) => Bytes(Encoding.UTF8.GetBytes(text), "application/json");

    private static ByteArrayContent Bytes(byte[] body, string contentType)
    {
        var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return content;
    }

    /// <summary>Row count and a checksum of every row, per table of the app's schema.</summary>
    private static async Task<Dictionary<string, string>> SnapshotAsync(string connectionString)
    {
        await using var db = NpgsqlDataSource.Create(connectionString);
        var tables = new List<string>();
        await using (var list = db.CreateCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> '__EFMigrationsHistory' ORDER BY 1"))
        await using (var reader = await list.ExecuteReaderAsync(Ct))
        {
            while (await reader.ReadAsync(Ct))
            {
                tables.Add(reader.GetString(0));
            }
        }

        var snapshot = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            await using var command = db.CreateCommand($"SELECT count(*) || ' rows, md5 ' || md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM \"{table}\" t");
            snapshot[table] = (string)(await command.ExecuteScalarAsync(Ct))!;
        }

        Assert.True(tables.Count > 10, "the schema has too few tables: " + string.Join(", ", tables));
        return snapshot;
    }

    internal enum BodyKind
    {
        None,
        Json,
        OptionalJson,
        Multipart,
    }

    internal sealed record HttpFunction(string Name, string[] Methods, string Route, IReadOnlyDictionary<string, Type> RouteParameters, BodyKind Body, Type? BodyType);

    /// <summary>Every HTTP function of the app, from the same attributes the Functions metadata is generated from.</summary>
    internal static List<HttpFunction> HttpFunctions()
    {
        var functions = new List<HttpFunction>();
        foreach (var method in typeof(AuthenticationMiddleware).Assembly.GetTypes().SelectMany(t => t.GetMethods()))
        {
            var name = method.GetCustomAttribute<FunctionAttribute>()?.Name;
            var trigger = method.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(a => a is not null);
            if (name is null || trigger is null)
            {
                continue;
            }

            var route = trigger.Route ?? name;
            var parameters = RouteParameter().Matches(route).Select(m => m.Groups[1].Value)
                .ToDictionary(p => p, p => method.GetParameters().FirstOrDefault(x => x.Name == p || x.Name == "@" + p)?.ParameterType ?? typeof(string));
            var (body, type) = name == "SignalRUpstream" ? (BodyKind.Json, null) : FindBodyReader(method);
            functions.Add(new HttpFunction(name, trigger.Methods!.Select(m => m.ToUpperInvariant()).ToArray(), route, parameters, body, type));
        }

        return functions;
    }

    /// <summary>
    /// Which body reader the function's code calls (RequestBody.ReadAsync&lt;T&gt; / ReadOptionalAsync&lt;T&gt;,
    /// MultipartUpload.ReadAsync): found by walking the IL of the function, its async state machine, and the helpers
    /// and lambdas of the app it calls. Routes that read no body get no body payloads: a body they ignore would
    /// leave the request valid, and it would write.
    /// </summary>
    private static (BodyKind, Type?) FindBodyReader(MethodInfo function)
    {
        var seen = new HashSet<MethodBase>();
        var pending = new Stack<MethodBase>([function]);
        while (pending.TryPop(out var current))
        {
            if (!seen.Add(current))
            {
                continue;
            }

            foreach (var callee in Callees(current))
            {
                if (callee is MethodInfo { IsGenericMethod: true } generic && generic.DeclaringType == typeof(RequestBody))
                {
                    return (generic.Name == nameof(RequestBody.ReadOptionalAsync) ? BodyKind.OptionalJson : BodyKind.Json, generic.GetGenericArguments()[0]);
                }

                if (callee.DeclaringType == typeof(MultipartUpload))
                {
                    return (BodyKind.Multipart, null);
                }

                if (callee.DeclaringType?.Assembly == function.DeclaringType!.Assembly)
                {
                    pending.Push(callee);
                }
            }
        }

        return (BodyKind.None, null);
    }

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value);

    /// <summary>The methods a method's IL calls or takes a pointer to (lambdas), and its async state machine's MoveNext.</summary>
    private static IEnumerable<MethodBase> Callees(MethodBase method)
    {
        if (method.GetCustomAttribute<AsyncStateMachineAttribute>() is { } async
            && async.StateMachineType.GetMethod("MoveNext", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public) is { } moveNext)
        {
            yield return moveNext;
        }

        var il = method.GetMethodBody()?.GetILAsByteArray() ?? [];
        for (var i = 0; i < il.Length;)
        {
            var code = il[i] == 0xFE ? OpCodesByValue[unchecked((short)(0xFE00 | il[i + 1]))] : OpCodesByValue[il[i]];
            i += code.Size;
            if (code.OperandType == OperandType.InlineMethod)
            {
                MethodBase? callee = null;
                try
                {
                    callee = method.Module.ResolveMethod(BitConverter.ToInt32(il, i), method.DeclaringType?.GetGenericArguments(), method.IsGenericMethod ? method.GetGenericArguments() : null);
                }
                catch (ArgumentException)
                {
                    // A member of a generic type this method cannot name concretely: not one of ours.
                }

                if (callee is not null)
                {
                    yield return callee;
                }
            }

            i += code.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, i)),
                _ => 4,
            };
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\{(\w+)(?::[^}]*)?\}")]
    private static partial System.Text.RegularExpressions.Regex RouteParameter();
}
