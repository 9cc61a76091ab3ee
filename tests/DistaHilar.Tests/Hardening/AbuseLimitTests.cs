using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using DistaHilar.Dev;
using DistaHilar.DevHost;
using DistaHilar.SignalREmulator;
using DistaHilar.Tests.Accounts;
using DistaHilar.Tests.Chats;
using DistaHilar.Tests.Infrastructure;
using DistaHilar.Tests.Realtime;
using Microsoft.AspNetCore.SignalR.Client;
using Npgsql;
using Emulator = DistaHilar.SignalREmulator.SignalREmulator;

namespace DistaHilar.Tests.Hardening;

/// <summary>
/// Two apps of this class's own on the shared database (the shared apps lift every limit): <see cref="Tight"/> with
/// tiny buckets that do not refill within a test and tight password limits, wired to an emulator of its own; and
/// <see cref="Defaults"/> with the shipped defaults (only sign-in and registration limits lifted, since every test calls
/// from 127.0.0.1, and two daily ceilings lowered so a test reaches them).
/// </summary>
public sealed class AbuseLimitApps(TestEnvironment env) : IAsyncLifetime
{
    public const int PerChat = 3;
    public const int Messages = 5;
    public const int Typing = 3;
    public const int Reactions = 3;
    public const int Searches = 3;
    public const int Uploads = 3;
    public const int ChatsCreated = 2;
    public const int MembersAdded = 5;
    public const int CallsStarted = 2;
    public const int ProfileUpdates = 3;
    public const int FailuresPerAddress = 3;
    public const int FailuresPerAccount = 6;
    public const int ChatsPerDay = 3;
    public const int EmailPhoneChangesPerDay = 2;
    public const long StorageQuota = 1000;
    public static readonly TimeSpan Backoff = TimeSpan.FromMinutes(5);

    private Emulator? emulator;

    public FunctionsDevHost Tight { get; private set; } = null!;

    public FunctionsDevHost Defaults { get; private set; } = null!;

    public string Database { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        var servers = await env.ServersAsync();
        Database = servers.Postgres.DirectConnectionString;
        var signIn = new Dictionary<string, string?>
        {
            ["RateLimits__LoginsPerIp"] = "100000",
            ["RateLimits__RegistrationsPerIp"] = "100000",
            ["RateLimits__RegistrationsPerEmail"] = "1000",
            ["RateLimits__ChatsCreatedPerDay"] = Text(ChatsPerDay),
            ["RateLimits__EmailPhoneChangesPerDay"] = Text(EmailPhoneChangesPerDay),
        };
        var tight = new Dictionary<string, string?>(signIn)
        {
            ["RateLimits__Window"] = "00:10:00",
            ["RateLimits__LoginFailuresPerAddress"] = Text(FailuresPerAddress),
            ["RateLimits__LoginBackoff"] = Backoff.ToString("c", CultureInfo.InvariantCulture),
            ["RateLimits__LoginFailuresPerAccount"] = Text(FailuresPerAccount),
            ["Media__StorageQuotaBytes"] = Text(StorageQuota),
            // One Argon2 run at a time and none waiting: a second password check at once is refused.
            ["Passwords__MaxConcurrent"] = "1",
            ["Passwords__MaxQueued"] = "0",
        };
        foreach (var (name, burst) in new[]
                 {
                     ("MessagesPerChat", PerChat), ("Messages", Messages), ("Typing", Typing), ("Reactions", Reactions), ("Searches", Searches),
                     ("Uploads", Uploads), ("ChatsCreated", ChatsCreated), ("MembersAdded", MembersAdded), ("CallsStarted", CallsStarted), ("ProfileUpdates", ProfileUpdates),
                 })
        {
            tight[$"RateLimits__{name}__Burst"] = Text(burst);
            tight[$"RateLimits__{name}__PerMinute"] = "0.0001"; // one token per 10,000 minutes: nothing refills during a test
        }

        var port = LocalServices.FreePort.Next();
        emulator = await Emulator.StartAsync(new EmulatorOptions
        {
            UpstreamUrlTemplate = DevEnvironment.UpstreamUrlTemplate(port),
            LoggerFactory = TestEnvironment.LoggerFactory,
        });
        Tight = await TestEnvironment.StartHostAsync(
            TestEnvironment.FunctionsAppDirectory,
            TestEnvironment.With(TestEnvironment.With(servers.AppSettings, TestEnvironment.RealtimeSettings(emulator)), tight),
            httpPort: port);
        Defaults = await TestEnvironment.StartHostAsync(TestEnvironment.FunctionsAppDirectory, TestEnvironment.With(servers.AppSettings, signIn));
    }

    public async ValueTask DisposeAsync()
    {
        if (Tight is not null)
        {
            await Tight.DisposeAsync();
        }

        if (Defaults is not null)
        {
            await Defaults.DisposeAsync();
        }

        if (emulator is not null)
        {
            await emulator.DisposeAsync();
        }
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// Issue 13 §3 (and §2's PATCH /api/users/me oracle): every per-user limit refuses the excess with a 429 problem and
/// Retry-After and writes nothing; typing excess is dropped silently; password checks of a signed-in user count as
/// the account's login failures; a stranger's failures from another address never lock the owner out.
/// </summary>
public sealed class AbuseLimitTests(AbuseLimitApps apps) : IClassFixture<AbuseLimitApps>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sends_are_limited_per_chat_and_per_user_in_memory_and_refused_sends_write_nothing()
    {
        using var http = AccountsApi.Client(apps.Tight.BaseAddress);
        var owner = await ChatUser.RegisterAsync(http);
        var sender = await ChatUser.RegisterAsync(http);
        var first = await owner.CreateGroupAsync(members: [sender]);
        var second = await owner.CreateGroupAsync(members: [sender]);

        for (var i = 0; i < AbuseLimitApps.PerChat; i++)
        {
            await sender.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, $"api/chats/{first}/messages", Message());
        }

        await AssertLimitedAsync(await sender.SendAsync(HttpMethod.Post, $"api/chats/{first}/messages", Message()));

        // Another chat has its own bucket, until the user's overall one is empty.
        for (var i = AbuseLimitApps.PerChat; i < AbuseLimitApps.Messages; i++)
        {
            await sender.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, $"api/chats/{second}/messages", Message());
        }

        await AssertLimitedAsync(await sender.SendAsync(HttpMethod.Post, $"api/chats/{second}/messages", Message()));

        // Others are not affected by the sender's limits.
        await owner.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, $"api/chats/{first}/messages", Message());
        Assert.Equal(AbuseLimitApps.PerChat, await CountAsync($"SELECT count(*) FROM messages WHERE chat_id = '{first}' AND sender_id = '{sender.Id}'"));
        Assert.Equal(AbuseLimitApps.Messages - AbuseLimitApps.PerChat, await CountAsync($"SELECT count(*) FROM messages WHERE chat_id = '{second}' AND sender_id = '{sender.Id}'"));
    }

    [Fact]
    public async Task Each_forwarded_copy_counts_as_a_message_to_the_target_chat()
    {
        using var http = AccountsApi.Client(apps.Tight.BaseAddress);
        var owner = await ChatUser.RegisterAsync(http);
        var user = await ChatUser.RegisterAsync(http);
        var source = await owner.CreateGroupAsync(members: [user]);
        var target = await owner.CreateGroupAsync(members: [user]);
        var ids = new List<Guid>();
        for (var i = 0; i < 2; i++)
        {
            ids.Add((await owner.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, $"api/chats/{source}/messages", Message())).GetProperty("id").GetGuid());
        }

        await user.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, $"api/chats/{target}/messages/forward", new { fromChatId = source, messageIds = ids, clientMessageId = Guid.NewGuid().ToString() });
        // Two more copies would make four in the target chat, one more than its bucket holds.
        await AssertLimitedAsync(await user.SendAsync(HttpMethod.Post, $"api/chats/{target}/messages/forward", new { fromChatId = source, messageIds = ids, clientMessageId = Guid.NewGuid().ToString() }));
        Assert.Equal(2, await CountAsync($"SELECT count(*) FROM messages WHERE chat_id = '{target}'"));
    }

    [Fact]
    public async Task Typing_beyond_the_limit_is_dropped_silently()
    {
        using var http = AccountsApi.Client(apps.Tight.BaseAddress);
        var typist = await ChatUser.RegisterAsync(http);
        var reader = await ChatUser.RegisterAsync(http);
        await using var typistEvents = await EventProbe.ConnectAsync(apps.Tight.BaseAddress, typist.Token);
        await using var readerEvents = await EventProbe.ConnectAsync(apps.Tight.BaseAddress, reader.Token);
        var chatId = await typist.CreateGroupAsync(members: [reader]);
        await readerEvents.WaitForChatEventAsync("chat.created", chatId);
        await typistEvents.WaitForChatEventAsync("chat.created", chatId);

        // Every call completes normally: the client is never told (it would only retry).
        for (var i = 0; i < AbuseLimitApps.Typing * 3; i++)
        {
            await typistEvents.Hub.InvokeAsync("typing", new { chatId, action = "typing" }, Ct);
        }

        // A message sent after the last typing call arrives after anything that call relayed.
        var marker = (await typist.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, $"api/chats/{chatId}/messages", Message())).GetProperty("id").GetGuid();
        await readerEvents.WaitForAsync("message.created", e => e.GetProperty("data").GetProperty("id").GetGuid() == marker);
        Assert.Equal(AbuseLimitApps.Typing, readerEvents.Events.Count(e => e.Target == "typing"));
    }

    [Fact]
    public async Task Reactions_set_or_removed_are_limited_and_a_refused_one_changes_nothing()
    {
        using var http = AccountsApi.Client(apps.Tight.BaseAddress);
        var user = await ChatUser.RegisterAsync(http);
        var chatId = await (await ChatUser.RegisterAsync(http)).CreateGroupAsync(members: [user]);
        var messageId = (await user.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, $"api/chats/{chatId}/messages", Message())).GetProperty("id").GetGuid();
        var path = $"api/chats/{chatId}/messages/{messageId}/reactions";

        await user.ExpectAsync(HttpStatusCode.OK, HttpMethod.Put, path, new { emoji = "👍" });
        await user.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, path);
        await user.ExpectAsync(HttpStatusCode.OK, HttpMethod.Put, path, new { emoji = "🔥" });

        await AssertLimitedAsync(await user.SendAsync(HttpMethod.Put, path, new { emoji = "❤️" }));
        await AssertLimitedAsync(await user.SendAsync(HttpMethod.Delete, path));
        Assert.Equal("🔥", await ScalarAsync<string>($"SELECT emoji FROM message_reactions WHERE message_id = '{messageId}' AND user_id = '{user.Id}'"));
    }

    [Fact]
    public async Task Chat_people_and_message_searches_share_one_limit()
    {
        using var http = AccountsApi.Client(apps.Tight.BaseAddress);
        var user = await ChatUser.RegisterAsync(http);
        var chatId = await (await ChatUser.RegisterAsync(http)).CreateGroupAsync(members: [user]);

        await user.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "api/users?q=test");
        await user.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "api/chats/search?q=chat");
        await user.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "api/messages/search?q=hello");

        await AssertLimitedAsync(await user.SendAsync(HttpMethod.Get, $"api/chats/{chatId}/messages/search?q=hello"));
        await AssertLimitedAsync(await user.SendAsync(HttpMethod.Get, "api/users?q=test"));
        await AssertLimitedAsync(await user.SendAsync(HttpMethod.Get, "api/chats/search?q=chat"));
    }

    [Fact]
    public async Task Upload_urls_and_api_uploads_are_limited_and_a_refused_one_records_nothing()
    {
        using var http = AccountsApi.Client(apps.Tight.BaseAddress);
        var user = await ChatUser.RegisterAsync(http);
        for (var i = 0; i < AbuseLimitApps.Uploads - 1; i++)
        {
            await user.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "api/media/uploads", Upload(100));
        }

        using (var form = Form(100))
        {
            Assert.Equal(HttpStatusCode.Accepted, (await PostFormAsync(http, user, form)).StatusCode);
        }

        await AssertLimitedAsync(await user.SendAsync(HttpMethod.Post, "api/media/uploads", Upload(100)));
        using (var form = Form(100))
        {
            await AssertLimitedAsync(await PostFormAsync(http, user, form));
        }

        Assert.Equal(AbuseLimitApps.Uploads, await CountAsync($"SELECT count(*) FROM media WHERE owner_id = '{user.Id}'"));
    }

    [Fact]
    public async Task Uploads_beyond_the_storage_quota_are_refused_with_413_and_record_nothing()
    {
        using var http = AccountsApi.Client(apps.Tight.BaseAddress);
        var user = await ChatUser.RegisterAsync(http);
        // An upload not yet complete counts at its declared size.
        await user.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "api/media/uploads", Upload(600));

        using (var refused = await user.SendAsync(HttpMethod.Post, "api/media/uploads", Upload(600)))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
            var problem = await AccountsApi.ProblemAsync(refused);
            Assert.Contains("storage is full", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        }

        using (var form = Form(600))
        using (var refused = await PostFormAsync(http, user, form))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
            await AccountsApi.ProblemAsync(refused);
        }

        Assert.Equal(1, await CountAsync($"SELECT count(*) FROM media WHERE owner_id = '{user.Id}'"));
    }

    [Fact]
    public async Task Group_and_channel_creation_and_people_added_are_limited()
    {
        using var http = AccountsApi.Client(apps.Tight.BaseAddress);
        var creator = await ChatUser.RegisterAsync(http);
        var people = new List<ChatUser>();
        for (var i = 0; i < AbuseLimitApps.MembersAdded + 1; i++)
        {
            people.Add(await ChatUser.RegisterAsync(http));
        }

        // The members a group starts with count as people added: 3 of 5.
        var group = await creator.CreateGroupAsync(members: people.Take(3));
        await creator.CreateGroupAsync("channels");
        await AssertLimitedAsync(await creator.SendAsync(HttpMethod.Post, "api/chats/groups", new { title = "one too many" }));
        Assert.Equal(AbuseLimitApps.ChatsCreated, await CountAsync($"SELECT count(*) FROM chats WHERE created_by = '{creator.Id}'"));

        await creator.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/chats/{group}/members", new { userIds = people.Skip(3).Take(2).Select(p => p.Id) });
        await AssertLimitedAsync(await creator.SendAsync(HttpMethod.Post, $"api/chats/{group}/members", new { userIds = new[] { people[5].Id } }));
        Assert.Equal(6, await CountAsync($"SELECT count(*) FROM chat_members WHERE chat_id = '{group}'"));
    }

    [Fact]
    public async Task The_daily_chat_ceiling_is_counted_in_the_database_so_it_holds_across_instances()
    {
        using var defaults = AccountsApi.Client(apps.Defaults.BaseAddress);
        using var tight = AccountsApi.Client(apps.Tight.BaseAddress);
        var creator = await ChatUser.RegisterAsync(defaults);
        for (var i = 0; i < AbuseLimitApps.ChatsPerDay; i++)
        {
            await creator.CreateGroupAsync();
        }

        await AssertLimitedAsync(await creator.SendAsync(HttpMethod.Post, "api/chats/groups", new { title = "over the day's ceiling" }));
        // Another instance, whose in-memory bucket for this user is full, refuses it too.
        await AssertLimitedAsync(await new ChatUser(tight, creator.Account).SendAsync(HttpMethod.Post, "api/chats/channels", new { title = "elsewhere" }));
        Assert.Equal(AbuseLimitApps.ChatsPerDay, await CountAsync($"SELECT count(*) FROM chats WHERE created_by = '{creator.Id}'"));
    }

    [Fact]
    public async Task Calls_started_are_limited()
    {
        using var http = AccountsApi.Client(apps.Tight.BaseAddress);
        var caller = await ChatUser.RegisterAsync(http);
        var callee = await ChatUser.RegisterAsync(http);
        var dialog = (await caller.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "api/chats/dialogs", new { userId = callee.Id })).GetProperty("id").GetGuid();
        for (var i = 0; i < AbuseLimitApps.CallsStarted; i++)
        {
            // The second finds the first still ringing (busy); it still counts as a call started.
            await caller.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "api/calls", new { chatId = dialog });
        }

        await AssertLimitedAsync(await caller.SendAsync(HttpMethod.Post, "api/calls", new { chatId = dialog }));
        Assert.Equal(AbuseLimitApps.CallsStarted, await CountAsync($"SELECT count(*) FROM calls WHERE caller_id = '{caller.Id}'"));
    }

    [Fact]
    public async Task Profile_updates_are_limited_and_a_refused_one_changes_nothing()
    {
        using var http = AccountsApi.Client(apps.Tight.BaseAddress);
        var user = await ChatUser.RegisterAsync(http);
        for (var i = 0; i < AbuseLimitApps.ProfileUpdates; i++)
        {
            await user.ExpectAsync(HttpStatusCode.OK, HttpMethod.Patch, "api/users/me", new { name = $"Name {i}" });
        }

        await AssertLimitedAsync(await user.SendAsync(HttpMethod.Patch, "api/users/me", new { name = "Too many" }));
        Assert.Equal($"Name {AbuseLimitApps.ProfileUpdates - 1}", await ScalarAsync<string>($"SELECT name FROM users WHERE id = '{user.Id}'"));
    }

    [Fact]
    public async Task Email_and_phone_changes_are_counted_across_instances_so_PATCH_me_is_no_free_oracle()
    {
        using var http = AccountsApi.Client(apps.Defaults.BaseAddress);
        var user = await ChatUser.RegisterAsync(http);
        var someone = await ChatUser.RegisterAsync(http);
        // Each probe of an address counts, whether it is taken (409) or free.
        await user.ExpectAsync(HttpStatusCode.Conflict, HttpMethod.Patch, "api/users/me", new { email = someone.Account.Email });
        await user.ExpectAsync(HttpStatusCode.OK, HttpMethod.Patch, "api/users/me", new { phone = "+1" + Random.Shared.NextInt64(100_000_000_000, 999_999_999_999).ToString(CultureInfo.InvariantCulture) });

        using var probe = await user.SendAsync(HttpMethod.Patch, "api/users/me", new { email = someone.Account.Email });
        await AssertLimitedAsync(probe);
        using var otherInstance = AccountsApi.Client(apps.Tight.BaseAddress);
        await AssertLimitedAsync(await new ChatUser(otherInstance, user.Account).SendAsync(HttpMethod.Patch, "api/users/me", new { email = "free-" + user.Account.Email }));
        Assert.Equal(user.Account.Email, await ScalarAsync<string>($"SELECT email FROM users WHERE id = '{user.Id}'"));
        // Other edits of the profile are not affected by this limit.
        await user.ExpectAsync(HttpStatusCode.OK, HttpMethod.Patch, "api/users/me", new { bio = "still fine" });
    }

    [Fact]
    public async Task Wrong_passwords_through_a_stolen_token_count_as_the_accounts_login_failures()
    {
        using var here = AccountsApi.Client(apps.Tight.BaseAddress);
        var owner = await AccountsApi.RegisterAsync(here);
        for (var i = 0; i < AbuseLimitApps.FailuresPerAddress; i++)
        {
            using var wrong = await SendAsync(here, HttpMethod.Put, "api/users/me/password", owner, new { currentPassword = "guess " + i, newPassword = "a new password" });
            Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        }

        // Now even the right current password waits, and so do login and account deletion from this address.
        await AssertLimitedAsync(await SendAsync(here, HttpMethod.Put, "api/users/me/password", owner, new { currentPassword = owner.Password, newPassword = "a new password" }), atLeast: AbuseLimitApps.Backoff / 2);
        await AssertLimitedAsync(await AccountsApi.LoginAsync(here, owner.Username, owner.Password), atLeast: AbuseLimitApps.Backoff / 2);
        await AssertLimitedAsync(await AccountsApi.LoginAsync(here, owner.Email, owner.Password)); // the account, whichever login names it
        await AssertLimitedAsync(await SendAsync(here, HttpMethod.Delete, "api/users/me", owner, new { password = owner.Password }));

        // Nothing was written: the old password still works (from an address with no failures), the account exists.
        using var elsewhere = ClientFrom("127.0.0.2");
        await AccountsApi.LoginOkAsync(elsewhere, owner);
        Assert.Null(await ScalarAsync<DateTime?>($"SELECT deleted_at FROM users WHERE id = '{owner.Id}'"));
    }

    [Fact]
    public async Task A_stranger_failing_from_other_addresses_cannot_lock_the_owner_out()
    {
        using var owners = AccountsApi.Client(apps.Tight.BaseAddress); // 127.0.0.1, where the owner registered
        var owner = await AccountsApi.RegisterAsync(owners);
        using var first = ClientFrom("127.0.0.2");
        for (var i = 0; i < AbuseLimitApps.FailuresPerAddress; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await AccountsApi.LoginAsync(first, owner.Username, "guess " + i)).StatusCode);
        }

        await AssertLimitedAsync(await AccountsApi.LoginAsync(first, owner.Username, "one more guess"));
        await AccountsApi.LoginOkAsync(owners, owner);

        // From a second address the stranger reaches the account's ceiling: now only the owner's addresses may try.
        using var second = ClientFrom("127.0.0.3");
        for (var i = 0; i < AbuseLimitApps.FailuresPerAccount - AbuseLimitApps.FailuresPerAddress; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await AccountsApi.LoginAsync(second, owner.Username, "guess again " + i)).StatusCode);
        }

        using var third = ClientFrom("127.0.0.4");
        await AssertLimitedAsync(await AccountsApi.LoginAsync(third, owner.Username, owner.Password));
        await AccountsApi.LoginOkAsync(owners, owner);
    }

    [Fact]
    public async Task Password_checks_beyond_the_instances_Argon2_capacity_are_refused_with_429()
    {
        using var http = AccountsApi.Client(apps.Tight.BaseAddress);
        // Unknown logins cost a full Argon2 run (against the dummy hash) and count against nobody's account.
        var statuses = await Eventually.Returns(
            async () =>
            {
                var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => AccountsApi.LoginAsync(http, AccountsApi.NewUsername(), "some password")));
                var codes = responses.Select(r => r.StatusCode).ToList();
                foreach (var response in responses)
                {
                    if (response.StatusCode == HttpStatusCode.TooManyRequests)
                    {
                        await AssertLimitedAsync(response);
                    }

                    response.Dispose();
                }

                return codes;
            },
            s => s.Contains(HttpStatusCode.TooManyRequests),
            TimeSpan.FromSeconds(60),
            "parallel password checks to overlap (one Argon2 run at a time, none queued)");
        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.Unauthorized or HttpStatusCode.TooManyRequests, $"got {s}"));
    }

    [Fact]
    public async Task A_burst_within_the_default_limits_is_accepted()
    {
        using var http = AccountsApi.Client(apps.Defaults.BaseAddress);
        var user = await ChatUser.RegisterAsync(http);
        var friends = new[] { await ChatUser.RegisterAsync(http), await ChatUser.RegisterAsync(http) };
        var chatId = await user.CreateGroupAsync(members: friends);
        var sends = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => user.CallAsync(HttpMethod.Post, $"api/chats/{chatId}/messages", Message())));
        Assert.All(sends, s => Assert.Equal(HttpStatusCode.Created, s.Status));
        var messageId = sends[0].Body.GetProperty("id").GetGuid();

        var others = await Task.WhenAll(
            Enumerable.Range(0, 10).Select(i => user.CallAsync(HttpMethod.Get, $"api/chats/search?q=chat{i}"))
                .Concat(Enumerable.Range(0, 10).Select(i => user.CallAsync(HttpMethod.Put, $"api/chats/{chatId}/messages/{messageId}/reactions", new { emoji = i % 2 == 0 ? "👍" : "🔥" })))
                .Concat(Enumerable.Range(0, 5).Select(i => user.CallAsync(HttpMethod.Patch, "api/users/me", new { bio = $"bio {i}" })))
                .Concat(Enumerable.Range(0, 5).Select(_ => user.CallAsync(HttpMethod.Post, "api/media/uploads", Upload(1000)))));
        Assert.All(others, s => Assert.True(s.Status is HttpStatusCode.OK or HttpStatusCode.Created, $"{(int)s.Status} {s.Body}"));
    }

    private static object Message() => new { clientMessageId = Guid.NewGuid().ToString(), text = "hello" };

    private static object Upload(long size) => new { fileName = "notes.txt", contentType = "text/plain", size, kind = "file" };

    private static MultipartFormDataContent Form(int size)
    {
        var file = new ByteArrayContent(new byte[size]);
        file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/plain");
        return new MultipartFormDataContent { { new StringContent("file"), "kind" }, { file, "file", "notes.txt" } };
    }

    private static async Task<HttpResponseMessage> PostFormAsync(HttpClient http, ChatUser user, HttpContent form)
    {
        using var request = AccountsApi.Authorized(HttpMethod.Post, "api/media", user.Token);
        request.Content = form;
        return await http.SendAsync(request, Ct);
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string path, TestAccount account, object body)
    {
        using var request = AccountsApi.Authorized(method, path, account.Auth.AccessToken, body);
        return await http.SendAsync(request, Ct);
    }

    /// <summary>The refusal every limit gives: 429, Retry-After of at least a second (and <paramref name="atLeast"/>), an RFC 7807 problem with type, title and status.</summary>
    private static async Task AssertLimitedAsync(HttpResponseMessage response, TimeSpan? atLeast = null)
    {
        using (response)
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
            var retryAfter = response.Headers.RetryAfter?.Delta;
            Assert.NotNull(retryAfter);
            Assert.True(retryAfter >= TimeSpan.FromSeconds(1) && retryAfter >= (atLeast ?? TimeSpan.Zero), $"Retry-After {retryAfter}");
            var problem = await AccountsApi.ProblemAsync(response);
            Assert.Equal("https://tools.ietf.org/html/rfc6585#section-4", problem.GetProperty("type").GetString());
            Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
            Assert.Equal(429, problem.GetProperty("status").GetInt32());
        }
    }

    /// <summary>A client whose connections come from <paramref name="address"/> (a loopback address), as the app sees the caller.</summary>
    private HttpClient ClientFrom(string address) =>
        new(new PrivacyRecorder.Handler(new SocketsHttpHandler
        {
            UseCookies = false,
            ConnectCallback = async (context, token) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    socket.Bind(new IPEndPoint(IPAddress.Parse(address), 0));
                    await socket.ConnectAsync(context.DnsEndPoint, token);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        }))
        { BaseAddress = apps.Tight.BaseAddress };

    private Task<long> CountAsync(string sql) => ScalarAsync<long>(sql);

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var db = NpgsqlDataSource.Create(apps.Database);
        await using var command = db.CreateCommand(sql);
        var value = await command.ExecuteScalarAsync(Ct);
        return value is DBNull or null ? default! : (T)value;
    }
}
